import type { AccessChange, RowChange } from '../changelog/types';

/**
 * Changes to who may see what, read from the dashboard database's binlog like everything else:
 * an admin edit on any node, or `npm run user`, reaches open sockets within the same second.
 */

export const ACCESS_TABLES = ['users', 'user_queues', 'sessions', 'wall_tokens'] as const;

/**
 * Alerts fired, cleared and acknowledged travel the same way (the `alerts` rows, whole in the
 * binlog's FULL image): every node hears each change once, in log order, with or without Redis.
 */
export const ALERT_TABLES = ['alerts'] as const;

/**
 * The access changes a commit's rows make: one per user, session or token, `ended` when the row
 * itself says the access is gone.
 */
export function accessChangesOf(changes: RowChange[]): AccessChange[] {
	const found = new Map<string, AccessChange>();
	// One change per user, session or token; one that ended access says more than a re-check.
	const add = (id: string, change: AccessChange) => {
		const known = found.get(id);
		if (!known || ('ended' in change && !('ended' in known))) found.set(id, change);
	};
	for (const { table, before, after } of changes) {
		const row = after ?? before;
		if (!row) continue;
		if (table === 'users') {
			const userId = Number(row.id);
			const ended = !after || Number(after.disabled) === 1;
			add(`user:${userId}`, ended ? { kind: 'user', userId, ended } : { kind: 'user', userId });
		} else if (table === 'user_queues') {
			const userId = Number(row.user_id);
			add(`user:${userId}`, { kind: 'user', userId });
		} else if (table === 'sessions' && !after) {
			const sessionId = String(row.id);
			add(`session:${sessionId}`, { kind: 'session-ended', sessionId });
		} else if (table === 'wall_tokens' && before && changedBeyond(before, after, 'last_used_at')) {
			const tokenId = Number(row.id);
			const ended = !after || (after.revoked_at !== null && after.revoked_at !== undefined);
			add(
				`token:${tokenId}`,
				ended ? { kind: 'wall-token', tokenId, ended } : { kind: 'wall-token', tokenId }
			);
		}
	}
	return [...found.values()];
}

/**
 * Whether an update changed anything but `ignored`: a token's last use is bookkeeping, written
 * while its board is open, and must not make every board of it re-check its access.
 */
function changedBeyond(
	before: Record<string, unknown>,
	after: Record<string, unknown> | null,
	ignored: string
): boolean {
	if (!after) return true;
	const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
	return Object.keys({ ...before, ...after }).some(
		(key) => key !== ignored && !same(before[key], after[key])
	);
}
