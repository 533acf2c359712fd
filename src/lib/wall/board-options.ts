/**
 * A board's own settings, carried in its address so each screen can differ without an account:
 * `?queues=3,5` shows a subset of the viewer's queues, `?rotate=20` cycles queue groups every 20 s,
 * `?group=4` puts 4 queues on a screen. An invalid setting is refused with a message
 * (`boardOptionProblems`): a screen left on all day must not quietly show something else than
 * the address asks for, such as every queue instead of the two it names.
 */
export interface BoardOptions {
	queueIds: number[] | null;
	/** Seconds each group of queues stays on screen; 0 = only when they do not fit. */
	rotateSeconds: number;
	perGroup: number;
}

/** The most tiles that stay legible from across the room on one screen (three by two). */
export const MAX_TILES = 6;
/** Used when queues do not fit on one screen and no rotation period was given. */
export const DEFAULT_ROTATE_SECONDS = 20;

function intParam(params: URLSearchParams, key: string, min: number, max: number): number | null {
	const text = params.get(key);
	if (text === null || !/^\d+$/.test(text)) return null;
	const value = Number(text);
	return value >= min && value <= max ? value : null;
}

const LIMITS = {
	rotate: { min: 5, max: 3600, what: 'a whole number of seconds' },
	group: { min: 1, max: MAX_TILES, what: 'a whole number of queues a screen' }
} as const;

/** What is wrong with a board's address, one sentence a setting; empty when nothing is. */
export function boardOptionProblems(params: URLSearchParams): string[] {
	const problems: string[] = [];
	const queues = params.get('queues');
	if (queues !== null) {
		const bad = queues.split(',').filter((part) => !/^\d+$/.test(part) || Number(part) <= 0);
		if (queues.trim() === '') {
			problems.push('queues is empty: list queue numbers separated by commas, e.g. queues=3,5');
		} else if (bad.length > 0) {
			const shown = bad.map((part) => `"${part}"`).join(', ');
			problems.push(
				`queues must be queue numbers separated by commas, e.g. queues=3,5 (not ${shown})`
			);
		}
	}
	for (const [key, { min, max, what }] of Object.entries(LIMITS)) {
		const text = params.get(key);
		if (text !== null && intParam(params, key, min, max) === null) {
			problems.push(`${key} must be ${what} from ${min} to ${max} (not "${text}")`);
		}
	}
	return problems;
}

/** The settings in an address; read after `boardOptionProblems` found none. */
export function parseBoardOptions(params: URLSearchParams): BoardOptions {
	const ids = (params.get('queues') ?? '')
		.split(',')
		.filter((part) => /^\d+$/.test(part))
		.map(Number)
		.filter((id) => id > 0);
	return {
		queueIds: ids.length > 0 ? [...new Set(ids)] : null,
		rotateSeconds: intParam(params, 'rotate', 5, 3600) ?? 0,
		perGroup: intParam(params, 'group', 1, MAX_TILES) ?? MAX_TILES
	};
}

/** Splits queues into screens of at most `perGroup`, balanced so the last is not a lone tile. */
export function queueGroups<T>(queues: readonly T[], perGroup: number): T[][] {
	if (queues.length === 0) return [[]];
	const groups = Math.ceil(queues.length / perGroup);
	const size = Math.ceil(queues.length / groups);
	return Array.from({ length: groups }, (_, i) => queues.slice(i * size, (i + 1) * size));
}

/**
 * The group on screen `elapsedMs` after the board opened. Counted from the opening, not from
 * the wall clock, so the first page gets its whole period (from the clock it got whatever was
 * left of the current one, often 2 s of 10); computed rather than timed, so a throttled
 * background tab is right the moment it is shown.
 */
export function groupAt(elapsedMs: number, rotateSeconds: number, groups: number): number {
	if (groups <= 1) return 0;
	const period = (rotateSeconds || DEFAULT_ROTATE_SECONDS) * 1000;
	return Math.floor(Math.max(0, elapsedMs) / period) % groups;
}

/**
 * Where the tiles and the list of interactions in progress go on the screen.
 * - One row of tiles (1 to 3 queues): the list is a band below them, most of the screen.
 * - Two rows: three tiles a row, and the list takes the slots the last row leaves free (two
 *   for 4 queues, one for 5), so no slot stays empty and the tiles keep the whole height for
 *   their figures and chart. Six tiles leave none: the list is a band below, in columns.
 * `compact`: the list's room is narrow or short, so each contact is drawn on two lines in
 * columns rather than as a row of a six-column table.
 */
export interface WallLayout {
	columns: number;
	rows: number;
	/** Tile-grid slots the list takes after the tiles; 0 = a band below the grid. */
	listSlots: number;
	compact: boolean;
}

export function wallLayout(tiles: number): WallLayout {
	const count = Math.min(Math.max(tiles, 1), MAX_TILES);
	if (count <= 3) return { columns: count, rows: 1, listSlots: 0, compact: false };
	const free = 6 - count;
	return { columns: 3, rows: 2, listSlots: free, compact: free !== 2 };
}
