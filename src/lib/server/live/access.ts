import type { RowChange } from '../binlog/tailer';

/**
 * Changes to who may see what, read from the dashboard database's binlog like everything else:
 * an admin edit on any node, or `npm run user`, reaches open sockets within the same second.
 */

export const ACCESS_TABLES = ['users', 'user_queues', 'sessions', 'wall_tokens'] as const;

export type AccessChange =
	| { kind: 'user'; userId: number }
	| { kind: 'session-ended'; sessionId: string }
	| { kind: 'wall-token'; tokenId: number };

export function accessChangesOf(changes: RowChange[]): AccessChange[] {
	const found = new Map<string, AccessChange>();
	const add = (change: AccessChange) => found.set(JSON.stringify(change), change);
	for (const { table, before, after } of changes) {
		const row = after ?? before;
		if (!row) continue;
		if (table === 'users') add({ kind: 'user', userId: Number(row.id) });
		else if (table === 'user_queues') add({ kind: 'user', userId: Number(row.user_id) });
		else if (table === 'sessions' && !after)
			add({ kind: 'session-ended', sessionId: String(row.id) });
		else if (table === 'wall_tokens' && before && changedBeyond(before, after, 'last_used_at'))
			add({ kind: 'wall-token', tokenId: Number(row.id) });
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
