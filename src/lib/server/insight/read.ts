import type { Pool } from 'mysql2/promise';
import type { RangePicture } from '$lib/range/picture';
import { withinTimeLimit } from '../db';
import type { Metrics } from '../metrics';
import { goalsOf } from './goals';
import { rangePicture, type InsightDeps, type InsightRequest } from './index';

/**
 * The picture of a validated history request, with the tenant's goals, timed and within the
 * statement time limit: what GET /api/insight answers and what its tables' CSV is cut from.
 */
export async function readPicture(
	deps: { dashboardPool: Pool; history: InsightDeps; metrics: Pick<Metrics, 'timeHistory'> },
	request: Omit<InsightRequest, 'timeZone' | 'goals' | 'fromDate' | 'toDate'> & {
		tenant: { id: number; timezone: string };
		rangeDates: { from: string; to: string };
	}
): Promise<RangePicture> {
	// Read beside the rollups' statement, not before it; awaited before any figure needs it.
	const goals = goalsOf(deps.dashboardPool, request.tenant.id);
	goals.catch(() => undefined);
	return deps.metrics.timeHistory('insight', () =>
		withinTimeLimit(() =>
			rangePicture(
				deps.history,
				{
					...request,
					timeZone: request.tenant.timezone,
					goals,
					fromDate: request.rangeDates.from,
					toDate: request.rangeDates.to
				},
				// The range rollups where they answer (src/lib/server/rollups), the rows elsewhere.
				deps.dashboardPool
			)
		)
	);
}
