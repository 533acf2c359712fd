import { emptySums, type FigureSums, type WaitHistogram } from './measures';

/**
 * The SQL form of measures.ts (read its definitions there): the same sums over rows of
 * closed_interactions, where every row is closed. `addRow` and these expressions are one
 * definition written twice; tests/integration/measures-sql.test.ts holds them equal.
 */

const COLUMNS: Record<keyof FigureSums, string> = {
	offered: 'offered',
	answered: 'answered',
	abandoned: 'abandoned',
	answeredWithinGoal: 'answered_within_goal',
	waitSumSeconds: 'wait_sum_seconds',
	handled: 'handled',
	talkSumSeconds: 'talk_sum_seconds',
	acwSumSeconds: 'acw_sum_seconds'
};

/** Inbound unless outbound; answered once an agent took it (addRow's `inbound`, `answered`). */
const inbound = (a: string) => `${a}.direction <> 'outbound'`;
const answered = (a: string) => `${a}.answered_at IS NOT NULL`;

/** Answered inbound rows: the ones whose wait counts (averages, p90, the goal). */
export function answeredInboundSql(alias: string): string {
	return `${inbound(alias)} AND ${answered(alias)}`;
}

/**
 * Each queue's service-level seconds for a row of `alias`: a CASE over the queues that differ
 * from the default (few), values as parameters appended to `params`.
 */
export function goalSecondsSql(
	alias: string,
	goals: ReadonlyMap<number, number>,
	defaultSeconds: number,
	params: unknown[]
): string {
	const special = [...goals].filter(([, seconds]) => seconds !== defaultSeconds);
	params.push(...special.flat(), defaultSeconds);
	if (special.length === 0) return '?';
	return `CASE ${alias}.queue_id ${special.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ? END`;
}

/** The select list of the sums (aggregates: the caller groups), given the goal from goalSecondsSql. */
export function sumsSql(alias: string, goalSql: string): string {
	const a = alias;
	const exprs: Record<keyof FigureSums, string> = {
		offered: `SUM(${inbound(a)})`,
		answered: `SUM(${answeredInboundSql(a)})`,
		abandoned: `SUM(${inbound(a)} AND ${a}.answered_at IS NULL)`,
		answeredWithinGoal: `SUM(${answeredInboundSql(a)} AND ${a}.wait_seconds <= ${goalSql})`,
		waitSumSeconds: `SUM(IF(${answeredInboundSql(a)}, ${a}.wait_seconds, 0))`,
		handled: `SUM(${answered(a)})`,
		talkSumSeconds: `SUM(IF(${answered(a)}, ${a}.talk_seconds, 0))`,
		acwSumSeconds: `SUM(IF(${answered(a)}, ${a}.acw_seconds, 0))`
	};
	return (Object.keys(COLUMNS) as (keyof FigureSums)[])
		.map((field) => `${exprs[field]} AS ${COLUMNS[field]}`)
		.join(', ');
}

/** A row of sumsSql's columns (DECIMAL text, or NULL over no rows) as sums. */
export function sumsFromRow(row: Record<string, unknown>): FigureSums {
	const sums = emptySums();
	for (const field of Object.keys(COLUMNS) as (keyof FigureSums)[]) {
		sums[field] = Number(row[COLUMNS[field]] ?? 0);
	}
	return sums;
}

/** Offered rows (closed_interactions holds closed rows only): what volume and the heat map count. */
export function offeredSql(alias: string): string {
	return inbound(alias);
}

/**
 * The answered waits of a group as a list (`waits`: "12,0,31", NULL when none): with the sums, one
 * pass over the rows gives every group's exact histogram. The statement must allow long lists
 * (group_concat_max_len, see timeLimited).
 */
export function waitListSql(alias: string): string {
	return `GROUP_CONCAT(IF(${answeredInboundSql(alias)}, ${alias}.wait_seconds, NULL)) AS waits`;
}

/**
 * Adds a waitListSql list ("12,0,31") into a histogram; an item may carry its count ("12:3",
 * as the range rollups store a histogram).
 */
export function addWaitList(into: WaitHistogram, list: unknown): void {
	if (list === null || list === undefined || list === '') return;
	for (const item of String(list).split(',')) {
		const colon = item.indexOf(':');
		const wait = Number(colon < 0 ? item : item.slice(0, colon));
		const count = colon < 0 ? 1 : Number(item.slice(colon + 1));
		into.set(wait, (into.get(wait) ?? 0) + count);
	}
}
