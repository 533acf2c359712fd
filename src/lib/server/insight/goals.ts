import type { Pool } from 'mysql2/promise';
import { DEFAULT_THRESHOLDS } from '$lib/queues/thresholds';
import { QueueThresholdStore } from '../thresholds';
import type { Goals } from './queries';

/** Each queue's service-level seconds, as saved on the admin thresholds page (the wall's too). */
export async function goalsOf(dashboardPool: Pool, tenantId: number): Promise<Goals> {
	const stored = await new QueueThresholdStore(dashboardPool).forTenant(tenantId);
	return {
		byQueue: new Map([...stored].map(([queueId, t]) => [queueId, t.serviceLevelSeconds])),
		defaultSeconds: DEFAULT_THRESHOLDS.serviceLevelSeconds
	};
}
