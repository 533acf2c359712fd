import { startOfZonedDay } from '../../src/lib/time/zone';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { PbxSql } from './pbx';
import type { Stack } from './stack';

/**
 * A burst of complete lifecycles (4 commits each: new, active, acw, closed), `concurrency` at a
 * time, spread over the tenant's queues and agents. Returns the number of commits written.
 */
export async function lifecycleBurst(
	stack: Stack,
	tenant: DemoTenant,
	opts: {
		interactions: number;
		firstId: number;
		concurrency?: number;
		onCommit?: (n: number) => void;
	}
): Promise<number> {
	const pbx = new PbxSql(stack.admin, stack.pbxDb);
	let next = 0;
	let commits = 0;
	const step = async (work: Promise<void>) => {
		await work;
		opts.onCommit?.(++commits);
	};
	const worker = async () => {
		while (next < opts.interactions) {
			const i = next++;
			const id = opts.firstId + i;
			const queue = tenant.queues[i % tenant.queues.length];
			const agent = tenant.agents[i % tenant.agents.length];
			await step(pbx.insertNew({ id, tenantId: tenant.id, queueId: queue.id }));
			await step(pbx.answer(id, agent.id));
			await step(pbx.startAcw(id));
			await step(pbx.close(id, tenant.dispositions[0].id));
		}
	};
	await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
	return commits;
}

/** id → status of what the live view must show: every active row, and closed rows created today. */
export async function databaseView(stack: Stack, tenant: DemoTenant): Promise<Map<string, string>> {
	const todayStart = new Date(startOfZonedDay(Date.now(), tenant.timezone))
		.toISOString()
		.replace('T', ' ')
		.replace('Z', '');
	const active = await stack.pbxRows<{ id: string; status: string }>(
		'SELECT id, status FROM active_interactions WHERE tenant_id = ?',
		[tenant.id]
	);
	const closed = await stack.pbxRows<{ id: string }>(
		'SELECT id FROM closed_interactions WHERE tenant_id = ? AND created_at >= ?',
		[tenant.id, todayStart]
	);
	return new Map([
		...active.map((r) => [String(r.id), r.status] as [string, string]),
		...closed.map((r) => [String(r.id), 'closed'] as [string, string])
	]);
}
