import type { Interaction } from '$lib/interaction';

/**
 * Where the row `id` is in `list` now, looked for near `was`, where it last was: a live grid's
 * rows move a place or two a frame, so a row read or focused is found without walking a big
 * tenant's day (50,000 rows) at every frame. -1 when it is gone.
 */
export function placeOf(list: readonly Interaction[], id: string, was: number): number {
	for (let d = 0; d < 8; d++) {
		if (list[was + d]?.id === id) return was + d;
		if (d > 0 && list[was - d]?.id === id) return was - d;
	}
	return list.findIndex((row) => row.id === id);
}
