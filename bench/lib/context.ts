import type { DemoLookups } from '../../scripts/lib/demo-data';
import type { BenchOptions } from './args';
import type { Db } from './env';
import type { Report } from './report';
import type { Target } from './writer';

/** What every suite gets from bench/run.ts. */
export interface Context {
	db: Db;
	options: BenchOptions;
	report: Report;
	/** Set by the first suite that starts Chromium. */
	chromiumVersion?: string;
	log(message: string): void;
}

/** Writer targets: every queue of the given tenants, with that tenant's agents. */
export function targetsOf(lookups: DemoLookups, tenantIds?: number[]): Target[] {
	return lookups.tenants
		.filter((t) => !tenantIds || tenantIds.includes(t.id))
		.flatMap((t) =>
			t.queues.map((q) => ({ tenantId: t.id, queueId: q.id, agentIds: t.agents.map((a) => a.id) }))
		);
}
