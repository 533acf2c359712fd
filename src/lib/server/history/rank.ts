/**
 * A name order without a join: the Queue, Agent and Disposition orders of history rank the row's
 * id (c.queue_id, …) by its name in the lookup caches, and MariaDB sorts that number. Joining the
 * name tables made MariaDB copy the range's rows into a temporary table before sorting them
 * (1.4–2.2 s a page at 1M rows, bench/RESULTS.md); a number computed from the row alone sorts
 * like Channel does.
 *
 * The rank is built from one tenant's names only (the viewer's), so it never carries another
 * tenant's. Equal names (as NAME_ORDER compares them) share a rank, so their rows are ordered by
 * id as one run, exactly like an ORDER BY name, id. A row whose id has no name (none, or one not
 * in the caches) ranks 0: first ascending, last descending, as an empty name would.
 *
 * Names rank 2, 4, 6, …; a page's cursor keeps the name, never the rank, and a name no longer
 * in the caches (renamed or deleted between pages) maps to the odd rank between its neighbours,
 * so the next page starts where that name would sort.
 */

/**
 * How names are ordered: case and accents aside (primary strength), as the PBX database's
 * utf8mb4_unicode_ci orders them, so history's name orders are those an ORDER BY name gives.
 */
export const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });

export interface Named {
	id: number;
	name: string;
}

export interface NameRank {
	/** SQL: the rank of `column`'s id, an unsigned number, never NULL. */
	sql: string;
	/** The rank a cursor's name stands at (odd when no cached name equals it). */
	rankOfName(name: string): number;
	/** The name a rank stands for (a page's last row → its cursor); '' for rank 0. */
	nameOfRank(rank: number): string;
}

/**
 * The rank of `column` (an unsigned id column) by the names of `entries`, the viewer's tenant's
 * queues, agents or dispositions. The SQL finds an id's rank by binary search: INTERVAL over the
 * ids in ascending order (MariaDB bisects more than 8 constant arguments) gives its position,
 * ELT that position's rank. Each id k is followed by a breakpoint k + 1 of rank 0 unless k + 1 is
 * itself named, so an id between named ones, above or below them all, or NULL ranks 0.
 */
export function nameRank(entries: readonly Named[], column: string): NameRank {
	const isEmpty = (name: string) => NAME_ORDER.compare(name, '') === 0;
	const sorted = entries
		.filter((e) => !isEmpty(e.name))
		.map((e) => e.name)
		.sort(NAME_ORDER.compare);
	// One group per name as NAME_ORDER tells names apart; its first spelling stands for it.
	const groups: string[] = [];
	for (const name of sorted) {
		if (groups.length === 0 || NAME_ORDER.compare(groups[groups.length - 1], name) !== 0) {
			groups.push(name);
		}
	}
	const rankOfName = (name: string): number => {
		if (isEmpty(name)) return 0;
		let lo = 0;
		let hi = groups.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			const order = NAME_ORDER.compare(groups[mid], name);
			if (order === 0) return 2 * (mid + 1);
			if (order < 0) lo = mid + 1;
			else hi = mid;
		}
		return 2 * lo + 1;
	};
	const byId = [...entries].sort((a, b) => a.id - b.id);
	const breakpoints: number[] = [];
	const ranks: number[] = [];
	for (let i = 0; i < byId.length; i++) {
		const id = Math.trunc(Number(byId[i].id));
		if (!Number.isSafeInteger(id) || id < 0) throw new Error(`nameRank: bad id ${byId[i].id}`);
		if (breakpoints.length > 0 && breakpoints[breakpoints.length - 1] >= id) continue;
		breakpoints.push(id);
		ranks.push(rankOfName(byId[i].name));
		const next = byId[i + 1];
		if (!next || Number(next.id) !== id + 1) {
			breakpoints.push(id + 1);
			ranks.push(0);
		}
	}
	const sql =
		breakpoints.length === 0
			? '0'
			: `CAST(COALESCE(ELT(INTERVAL(${column}, ${breakpoints.join(', ')}), ${ranks.join(', ')}), 0) AS UNSIGNED)`;
	return {
		sql,
		rankOfName,
		nameOfRank: (rank) => (rank >= 2 && rank % 2 === 0 ? (groups[rank / 2 - 1] ?? '') : '')
	};
}
