/**
 * A board's own settings, carried in its address so each screen can differ without an account:
 * `?queues=3,5` shows a subset of the viewer's queues, `?rotate=20` cycles queue groups every 20 s,
 * `?group=4` puts 4 queues on a screen. Anything invalid falls back to the default.
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
 * The group on screen at a given server time. Derived from the clock rather than a timer, so
 * boards side by side rotate together and a throttled background tab is right when shown.
 */
export function groupAt(serverNowMs: number, rotateSeconds: number, groups: number): number {
	if (groups <= 1) return 0;
	const period = (rotateSeconds || DEFAULT_ROTATE_SECONDS) * 1000;
	return Math.floor(serverNowMs / period) % groups;
}

/** Columns of the tile grid for a number of tiles: wide tiles, at most two rows. */
export function tileColumns(tiles: number): number {
	if (tiles <= 3) return Math.max(1, tiles);
	if (tiles === 4) return 2;
	return Math.ceil(Math.min(tiles, MAX_TILES) / 2);
}
