import { describe, expect, it } from 'vitest';
import type { RowChange } from '$lib/server/binlog/tailer';
import { accessChangesOf } from '$lib/server/live/access';

const token = { id: 4, label: 'TV', tenant_id: 1, queue_ids: null, revoked_at: null };
const update = (before: object, after: object): RowChange => ({
	schema: 'dashboard',
	table: 'wall_tokens',
	before: before as RowChange['before'],
	after: after as RowChange['after']
});

describe('accessChangesOf', () => {
	it("a wall token's revocation or new queues re-check its boards", () => {
		const revoked = update(token, { ...token, revoked_at: '2026-12-02 10:00:00.000' });
		const narrowed = update(token, { ...token, queue_ids: [3] });
		expect(accessChangesOf([revoked])).toEqual([{ kind: 'wall-token', tokenId: 4 }]);
		expect(accessChangesOf([narrowed])).toEqual([{ kind: 'wall-token', tokenId: 4 }]);
	});

	it("a token's last use is bookkeeping: its boards are not re-checked for it", () => {
		const used = { ...token, last_used_at: '2026-12-02 10:00:00.000' };
		const later = { ...token, last_used_at: '2026-12-02 10:01:00.000' };
		expect(accessChangesOf([update(used, later)])).toEqual([]);
	});

	it('a signed-out session ends its sockets; a touched one does not', () => {
		const session = { id: 'abc', user_id: 2, last_seen_at: '2026-12-02 10:00:00.000' };
		const touched = { ...session, last_seen_at: '2026-12-02 10:05:00.000' };
		const change = (before: object | null, after: object | null): RowChange => ({
			schema: 'dashboard',
			table: 'sessions',
			before: before as RowChange['before'],
			after: after as RowChange['after']
		});
		expect(accessChangesOf([change(session, touched)])).toEqual([]);
		expect(accessChangesOf([change(session, null)])).toEqual([
			{ kind: 'session-ended', sessionId: 'abc' }
		]);
	});
});
