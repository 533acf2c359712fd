import type { Interaction } from '$lib/interaction';
import { factsOf } from '$lib/queues/facts';
import { statusLimits, type QueueThresholds } from '$lib/queues/thresholds';

/**
 * The wall's list of interactions in progress: waiting first (what needs an agent), then talking,
 * then in after-contact work; in each group the longest in that status first. A row that changes
 * status therefore moves between groups, which the list animates.
 */

const GROUP: Record<Interaction['status'], number> = { new: 0, active: 1, acw: 2, closed: 3 };

export function liveRows(rows: Iterable<Interaction>, queueIds: readonly number[]): Interaction[] {
	const matches = liveIn(queueIds);
	const live: Interaction[] = [];
	for (const row of rows) if (matches(row)) live.push(row);
	return live.sort(liveOrder);
}

/** Whether a row belongs in the list of a board showing `queueIds`: in progress, in one of them. */
export function liveIn(queueIds: readonly number[]): (row: Interaction) => boolean {
	const shown = new Set(queueIds);
	return (row) => row.status !== 'closed' && row.queueId !== null && shown.has(row.queueId);
}

/** The list's order, total over distinct ids (SortedRows keeps the list in it change by change). */
export function liveOrder(a: Interaction, b: Interaction): number {
	return (
		GROUP[a.status] - GROUP[b.status] ||
		factsOf(a).sinceMs - factsOf(b).sinceMs ||
		(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

/** Seconds a row has been in its current status at `nowMs`. */
export function secondsSince(row: Interaction, nowMs: number): number {
	return Math.max(0, Math.floor((nowMs - factsOf(row).sinceMs) / 1000));
}

/** Whole seconds a row has been red (strictly over the red limit): the flash's steps. */
const FLASH_STEPS = 5;

/**
 * Whether a row that crossed into red is lit: three one-second flashes (its first, third and
 * fifth second over the limit), stepped by the board's once-a-second clock. A CSS pulse ran
 * every frame for each red row it was on, restarted whenever a row was drawn or moved, and at
 * 50 changes a second kept a TV stick restyling the list at every frame.
 */
export function redFlash(
	status: Interaction['status'],
	secondsInStatus: number,
	t: QueueThresholds
): boolean {
	const limits = statusLimits(status, t);
	if (limits === null) return false;
	const over = secondsInStatus - limits[1] - 1;
	return over >= 0 && over < FLASH_STEPS && over % 2 === 0;
}

/**
 * How many rows fit in `capacity` lines: all of them, or one line fewer and a "+N more" line in
 * its place, so the list never scrolls.
 */
export function fitRows(total: number, capacity: number): { shown: number; more: number } {
	const lines = Math.max(0, Math.floor(capacity));
	if (total <= lines) return { shown: total, more: 0 };
	const shown = Math.max(0, lines - 1);
	return { shown, more: total - shown };
}
