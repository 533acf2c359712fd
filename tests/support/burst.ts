import type { DemoTenant } from '../../scripts/lib/demo-data';
import { lifecycleBurst as burst } from '../../scripts/lib/lifecycle';
import { PbxWriter } from '../../scripts/lib/pbx-writes';
import { newRow } from './pbx';
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
	const { commits } = await burst(new PbxWriter(stack.admin, stack.pbxDb), {
		interactions: opts.interactions,
		concurrency: opts.concurrency,
		onCommit: opts.onCommit,
		lifecycle: (i) => ({
			row: newRow({
				id: opts.firstId + i,
				tenantId: tenant.id,
				queueId: tenant.queues[i % tenant.queues.length].id
			}),
			agentId: tenant.agents[i % tenant.agents.length].id,
			dispositionId: tenant.dispositions[0].id
		})
	});
	return commits;
}
