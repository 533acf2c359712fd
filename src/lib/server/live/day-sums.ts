import type { Interaction, LogPosition, TenantInfo } from '$lib/interaction';
import type { DaySumsRequest, SummedSnapshot } from '$lib/queues/day-sums';
import { dayFrame } from '$lib/queues/day';
import { isSummed, sumDay } from '$lib/queues/day-sums';
import { canSeeQueue, viewRow, type RowView, type Scope } from '../scope';

/**
 * A snapshot for a screen that only sums the day ($lib/queues/day-sums): of `rows` (the rows
 * its scope admits, at `position`), those in progress as its view sends them, and the closed
 * ones summed per queue at the same position, so nothing is counted twice or missed.
 */
export function daySnapshot(
	rows: readonly Interaction[],
	scope: Scope,
	view: RowView,
	request: DaySumsRequest,
	tenant: TenantInfo,
	todayStartMs: number,
	{ epoch, seq }: LogPosition
): SummedSnapshot {
	// Only the queues of the screen's scope are summed: a wall asking for others' gets none.
	const goals = request.serviceLevelSeconds.filter(([queueId]) => canSeeQueue(scope, queueId));
	const held: Interaction[] = [];
	const closed: Interaction[] = [];
	for (const row of rows) {
		if (isSummed(row)) closed.push(row);
		else held.push(viewRow(row, view));
	}
	const day = sumDay(closed, goals, dayFrame(todayStartMs, tenant.timezone), seq);
	return { epoch, seq, tenant, serverTime: Date.now(), rows: held, day };
}
