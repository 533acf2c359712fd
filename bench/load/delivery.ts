import type { AckTable } from '../lib/keys';
import { summarize } from '../lib/stats';
import type { Client } from './fleet';

/**
 * What a fleet received against what it should have: per client, every committed change in its
 * scope (tenant, and queue for supervisors), and the latency from commit ack to receipt.
 */
export function deliveryResults(
	clients: Client[],
	table: AckTable,
	offsetMs: number,
	/** Also return every latency, to pool several phases (costly for big fleets). */
	withSamples = false
) {
	const expectedFor = new Map<string, number>();
	const seen = new Uint8Array(table.acks.length);
	let expected = 0;
	let delivered = 0;
	let duplicates = 0;
	let unexpected = 0;
	let short = 0;
	const latencies: number[] = [];
	for (const client of clients) {
		const { tenantId, queueIds } = client.spec.scope;
		const inScope = (key: number) => {
			const j = key >> 2;
			return (
				table.tenantOf[j] === tenantId && (queueIds === null || queueIds.includes(table.queueOf[j]))
			);
		};
		const scopeKey = `${tenantId}:${queueIds?.join(',') ?? '*'}`;
		let want = expectedFor.get(scopeKey);
		if (want === undefined) {
			want = 0;
			for (let key = 0; key < table.acks.length; key++) {
				if (!Number.isNaN(table.acks[key]) && inScope(key)) want++;
			}
			expectedFor.set(scopeKey, want);
		}
		seen.fill(0);
		let got = 0;
		for (let i = 0; i < client.keys.length; i++) {
			const key = client.keys[i];
			if (seen[key]) {
				duplicates++;
				continue;
			}
			seen[key] = 1;
			if (Number.isNaN(table.acks[key]) || !inScope(key)) {
				unexpected++;
				continue;
			}
			got++;
			latencies.push(client.times[i] - offsetMs - table.acks[key]);
		}
		expected += want;
		delivered += got;
		if (got < want) short++;
	}
	return {
		clients: clients.length,
		disconnects: clients.reduce((n, c) => n + c.disconnects, 0),
		resnapshots: clients.reduce((n, c) => n + c.resnapshots, 0),
		expected,
		delivered,
		duplicates,
		unexpected,
		clientsShort: short,
		latency: summarize(latencies),
		samples: withSamples ? Float64Array.from(latencies) : null
	};
}
