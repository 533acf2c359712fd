import type { Interaction, InteractionChange, Source } from '$lib/interaction';

/**
 * Applies one change to a map of live rows. The server's live state and every browser run this
 * same function, so a replayed change is harmless and both sides hold the same rows.
 * Returns false when the change was a no-op.
 */
export function applyChange(
	rows: Map<string, Interaction>,
	change: InteractionChange,
	todayStartMs: number
): boolean {
	const current = rows.get(change.id);
	if (change.row) {
		if (!belongsToToday(change.row, todayStartMs)) {
			return rows.delete(change.id);
		}
		rows.set(change.id, change.row);
		return true;
	}
	if (removalKeepsRow(change.removedFrom, current)) return false;
	return rows.delete(change.id);
}

/**
 * Whether a removal leaves the row it removes in place: closed wins. The PBX may close in two
 * steps (insert into closed, then delete from active), in one transaction or two, so a removal
 * from active must not erase a row already closed. The live state, the leader's mapping of a
 * commit and every browser decide it here.
 */
export function removalKeepsRow(
	removedFrom: Source | undefined,
	current: Interaction | null | undefined
): boolean {
	return removedFrom === 'active' && current?.status === 'closed';
}

/** The live view holds every interaction in progress plus the ones created today that closed. */
export function belongsToToday(row: Interaction, todayStartMs: number): boolean {
	return row.status !== 'closed' || Date.parse(row.createdAt) >= todayStartMs;
}

/** Drops closed rows created before the tenant's day started (midnight rollover). */
export function dropBeforeToday(rows: Map<string, Interaction>, todayStartMs: number): number {
	let dropped = 0;
	for (const [id, row] of rows) {
		if (!belongsToToday(row, todayStartMs)) {
			rows.delete(id);
			dropped++;
		}
	}
	return dropped;
}
