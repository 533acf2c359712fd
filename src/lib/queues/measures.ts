import type { RangeFigures } from '$lib/range/picture';

/**
 * The one definition of every queue figure, in JavaScript (the live strip, the wall, alerts,
 * replay: `addRow` over rows in memory) and in SQL (range figures: `MEASURE_SQL` over
 * closed_interactions). Both produce the same additive sums (and a histogram of waits), and
 * `figuresOf` turns sums into figures for both; tests/integration/measures-sql.test.ts runs the
 * two forms over the same random rows in MariaDB and requires equal results.
 *
 * For an interaction (inbound unless its direction is outbound):
 * - offered: inbound, and answered or abandoned (a contact still waiting is not yet offered,
 *   except to the live service level once it has waited past the goal, see queueFigures);
 * - answered: inbound with an answer time (an agent took it), whatever its status now;
 * - abandoned: inbound, closed, never answered;
 * - answered within goal: answered with a wait ≤ the queue's service-level seconds;
 * - service level % = answered within goal / offered; abandon rate % = abandoned / offered;
 * - wait: seconds from creation to answer, of answered ones (average = speed of answer; p90 is
 *   the nearest rank: the smallest wait that 90% of answered waits are at most);
 * - handled: closed and answered, either direction; average talk and ACW are over handled.
 */
export interface FigureSums {
	offered: number;
	answered: number;
	abandoned: number;
	answeredWithinGoal: number;
	waitSumSeconds: number;
	handled: number;
	talkSumSeconds: number;
	acwSumSeconds: number;
}

export const SUM_FIELDS = [
	'offered',
	'answered',
	'abandoned',
	'answeredWithinGoal',
	'waitSumSeconds',
	'handled',
	'talkSumSeconds',
	'acwSumSeconds'
] as const satisfies readonly (keyof FigureSums)[];

/** Answered waits, whole seconds → how many: enough for an exact percentile of any group. */
export type WaitHistogram = Map<number, number>;

export function emptySums(): FigureSums {
	return {
		offered: 0,
		answered: 0,
		abandoned: 0,
		answeredWithinGoal: 0,
		waitSumSeconds: 0,
		handled: 0,
		talkSumSeconds: 0,
		acwSumSeconds: 0
	};
}

export function addSums(into: FigureSums, from: FigureSums): FigureSums {
	for (const field of SUM_FIELDS) into[field] += from[field];
	return into;
}

export function addHistogram(into: WaitHistogram, from: WaitHistogram): WaitHistogram {
	for (const [wait, count] of from) into.set(wait, (into.get(wait) ?? 0) + count);
	return into;
}

/** What the definitions read of one row (see RowFacts, which a live row's are parsed into). */
export interface MeasuredRow {
	inbound: boolean;
	answered: boolean;
	closed: boolean;
	/** Creation → answer, whole seconds; null while unanswered. */
	waitSeconds: number | null;
	talkSeconds: number | null;
	acwSeconds: number | null;
}

/** The JavaScript form: one row into the sums (and its wait into the histogram, if given). */
export function addRow(
	sums: FigureSums,
	row: MeasuredRow,
	goalSeconds: number,
	waits?: WaitHistogram
): void {
	if (row.closed && row.answered) {
		sums.handled++;
		sums.talkSumSeconds += row.talkSeconds ?? 0;
		sums.acwSumSeconds += row.acwSeconds ?? 0;
	}
	if (!row.inbound) return;
	if (row.answered) {
		const wait = row.waitSeconds ?? 0;
		sums.offered++;
		sums.answered++;
		sums.waitSumSeconds += wait;
		if (wait <= goalSeconds) sums.answeredWithinGoal++;
		waits?.set(wait, (waits.get(wait) ?? 0) + 1);
	} else if (row.closed) {
		sums.offered++;
		sums.abandoned++;
	}
}

export function mean(sum: number, count: number): number | null {
	return count === 0 ? null : sum / count;
}

export function percentOf(part: number, whole: number): number | null {
	return whole === 0 ? null : (100 * part) / whole;
}

/** Nearest-rank percentile (0 < pct ≤ 100) of a histogram of whole seconds; null when empty. */
export function percentileOf(waits: WaitHistogram, pct: number): number | null {
	let total = 0;
	for (const count of waits.values()) total += count;
	if (total === 0) return null;
	// Integer arithmetic: ceil(pct% of total) without a floating 0.9 × n.
	const rank = Math.ceil((Math.round(pct * 1000) * total) / 100_000);
	let seen = 0;
	for (const wait of [...waits.keys()].sort((a, b) => a - b)) {
		seen += waits.get(wait)!;
		if (seen >= rank) return wait;
	}
	return null;
}

/** Figures from sums and the histogram of the same rows: the one place that divides. */
export function figuresOf(sums: FigureSums, waits: WaitHistogram): RangeFigures {
	return {
		offered: sums.offered,
		answered: sums.answered,
		abandoned: sums.abandoned,
		answeredWithinGoal: sums.answeredWithinGoal,
		serviceLevelPct: percentOf(sums.answeredWithinGoal, sums.offered),
		abandonRatePct: percentOf(sums.abandoned, sums.offered),
		avgWaitSeconds: mean(sums.waitSumSeconds, sums.answered),
		p90WaitSeconds: percentileOf(waits, 90),
		avgTalkSeconds: mean(sums.talkSumSeconds, sums.handled),
		avgAcwSeconds: mean(sums.acwSumSeconds, sums.handled)
	};
}
