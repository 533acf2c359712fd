import { describe, expect, it } from 'vitest';
import type { RowChange } from '$lib/server/changelog';
import { accessChangesOf } from '$lib/server/live/access';

const token = { id: 4, label: 'TV', tenant_id: 1, queue_ids: null, revoked_at: null };
const update = (before: object, after: object): RowChange => ({
	schema: 'dashboard',
	table: 'wall_tokens',
	before: before as RowChange['before'],
	after: after as RowChange['after']
});

describe('accessChangesOf', () => {
	it("a wall token's new queues re-check its boards; its revocation ends them from the row", () => {
		const revoked = update(token, { ...token, revoked_at: '2026-12-02 10:00:00.000' });
		const narrowed = update(token, { ...token, queue_ids: [3] });
		const deleted: RowChange = { ...update(token, {}), after: null };
		expect(accessChangesOf([narrowed])).toEqual([{ kind: 'wall-token', tokenId: 4 }]);
		// A re-read could run before the revoking commit is visible: the row image decides.
		const ended = [{ kind: 'wall-token', tokenId: 4, ended: true }];
		expect(accessChangesOf([revoked])).toEqual(ended);
		expect(accessChangesOf([deleted])).toEqual(ended);
		expect(accessChangesOf([narrowed, revoked])).toEqual(ended);
		expect(accessChangesOf([revoked, narrowed])).toEqual(ended);
	});

	it('a disabled user ends from the row; other edits and queue changes re-check it', () => {
		const user = { id: 2, role: 'cc_supervisor', disabled: 0 };
		const change = (table: string, before: object | null, after: object | null): RowChange => ({
			schema: 'dashboard',
			table,
			before: before as RowChange['before'],
			after: after as RowChange['after']
		});
		const recheck = [{ kind: 'user', userId: 2 }];
		const ended = [{ kind: 'user', userId: 2, ended: true }];
		expect(accessChangesOf([change('users', user, { ...user, role: 'cc_admin' })])).toEqual(
			recheck
		);
		expect(accessChangesOf([change('user_queues', null, { user_id: 2, queue_id: 7 })])).toEqual(
			recheck
		);
		expect(accessChangesOf([change('users', user, { ...user, disabled: 1 })])).toEqual(ended);
		expect(accessChangesOf([change('users', user, null)])).toEqual(ended);
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
