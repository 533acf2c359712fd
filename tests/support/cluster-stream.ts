import { Redis } from 'ioredis';

/** What the stream of the current epoch holds, and what is wrong with it (nothing, we hope). */
export interface StreamAudit {
	entries: number;
	/** Fence owners (`<node>|<token>|<nonce>`) in the order they appended. */
	owners: string[];
	problems: string[];
}

/**
 * The stream of the current epoch read straight from Redis (the primary now): numbered without
 * a gap or an overlap, no interaction with more changes than its four commits, and appended by
 * one fence owner at a time: once another owner appends, an earlier one never does again, and
 * no two nodes append under one token number. A late append of a fenced-off leader would show.
 */
export async function auditStreamAt(redisUrl: string, label: string): Promise<StreamAudit> {
	const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
	const audit: StreamAudit = { entries: 0, owners: [], problems: [] };
	const problem = (line: string) => audit.problems.push(`${label}: ${line}`);
	try {
		const epoch = await redis.get('il:epoch');
		if (!epoch) {
			problem('no epoch in Redis');
			return audit;
		}
		const entries = await redis.xrange(`il:log:${epoch}`, '-', '+');
		audit.entries = entries.length;
		let expectedFirst: number | null = null;
		const perId = new Map<string, number>();
		const { owners } = audit;
		for (const [id, fields] of entries) {
			const value = (name: string) => fields[fields.indexOf(name) + 1];
			const first = Number(value('first'));
			const owner = value('by');
			if (owners.at(-1) !== owner) {
				if (owners.includes(owner)) problem(`entry ${id} by ${owner}, fenced off before`);
				owners.push(owner);
			}
			const { changes } = JSON.parse(value('entry')) as { changes: { id: string }[] };
			if (changes.length === 0) continue;
			if (expectedFirst !== null && first !== expectedFirst) {
				problem(`stream entry ${id} starts at seq ${first}, not ${expectedFirst}`);
			}
			expectedFirst = first + changes.length;
			for (const change of changes) perId.set(change.id, (perId.get(change.id) ?? 0) + 1);
		}
		// `<node>|<token>|<nonce>`: one token number is never two acquisitions.
		const tokens = owners.map((owner) => owner.split('|')[1]);
		if (new Set(tokens).size !== tokens.length) {
			problem(`two leaders with one token: ${owners.join(', ')}`);
		}
		const repeated = [...perId].filter(([, count]) => count > 4).map(([id]) => id);
		if (repeated.length > 0) problem(`interactions with repeated commits in the stream: ${repeated.slice(0, 10).join(', ')}`); // prettier-ignore
		const head = Number(await redis.get('il:head'));
		if (expectedFirst !== null && head !== expectedFirst - 1) {
			problem(`il:head is ${head}, the stream ends at ${expectedFirst - 1}`);
		}
		return audit;
	} finally {
		redis.disconnect();
	}
}
