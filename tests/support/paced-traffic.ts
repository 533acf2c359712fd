import type { DemoTenant } from '../../scripts/lib/demo-data';
import { TestPbx } from './pbx';
import type { Stack } from './stack';
import type { Pbx } from './wall-pbx';

/**
 * A steady PBX: `rate` commits/s for `seconds`, as `lanes` interactions at a time, each taken
 * New → Active → ACW → Closed one commit a step (the close: insert + delete in one
 * transaction). Every step has its slot on a fixed schedule, so a slow commit makes the lane
 * late but does not lower the rate; how late is returned.
 */
export async function pacedTraffic(
	stack: Stack,
	tenant: DemoTenant,
	pbx: Pbx,
	options: { rate: number; seconds: number; lanes?: number }
): Promise<{ commits: number; maxLagMs: number }> {
	// No more lanes than the stack's pool has connections, or commits queue for one.
	const lanes = options.lanes ?? 8;
	const sql = new TestPbx(stack.admin, stack.pbxDb);
	const stepMs = (1000 * lanes) / options.rate;
	const steps = Math.floor((options.rate * options.seconds) / lanes);
	const ids = pbx.nextIds(Math.ceil(steps / 4) * lanes);
	const started = Date.now();
	let commits = 0;
	let maxLagMs = 0;
	const lane = async (l: number) => {
		for (let k = 0; k < steps; k++) {
			const due = started + k * stepMs + (l * stepMs) / lanes;
			const wait = due - Date.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			else maxLagMs = Math.max(maxLagMs, -wait);
			const n = Math.floor(k / 4) * lanes + l;
			const id = ids[n];
			const queue = tenant.queues[n % tenant.queues.length];
			const step = k % 4;
			if (step === 0) await sql.insertNew({ id, tenantId: tenant.id, queueId: queue.id });
			else if (step === 1) await sql.answer(id, tenant.agents[n % tenant.agents.length].id);
			else if (step === 2) await sql.startAcw(id);
			else
				await sql.close(id, {
					dispositionId: tenant.dispositions[n % tenant.dispositions.length].id
				});
			commits++;
		}
	};
	await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
	return { commits, maxLagMs };
}
