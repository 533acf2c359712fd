import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '$lib/server/audit';
import { RefusalAudit, REFUSAL_WINDOW_MS, type Refusal } from '$lib/server/audit/refusals';
import type { Viewer } from '$lib/server/scope';

const user = (userId: number): Viewer => ({
	kind: 'user',
	userId,
	sessionId: 's',
	sessionExpiresAt: Number.MAX_SAFE_INTEGER,
	username: `u${userId}`,
	displayName: 'U',
	role: 'cc_admin',
	tenantId: 1,
	queueIds: [],
	permissions: ['interactions']
});
const wall: Viewer = { kind: 'wall', tokenId: 1, label: 'hall', tenantId: 1, queueIds: 'all' };

const refusal = (viewer: Viewer, reason = 'Tenant outside your scope'): Refusal => ({
	viewer,
	where: '/api/interactions',
	reason
});

let opened: RefusalAudit[] = [];
function audited(maxKinds?: number) {
	const rows: AuditEntry[] = [];
	const refusals = new RefusalAudit(
		{ record: (entry) => (rows.push(entry), Promise.resolve()) },
		REFUSAL_WINDOW_MS,
		maxKinds
	);
	opened.push(refusals);
	return { rows, refusals, details: () => rows.map((r) => r.detail) };
}

afterEach(async () => {
	await Promise.all(opened.map((r) => r.close()));
	opened = [];
});

describe('RefusalAudit', () => {
	it('writes one row per principal and kind a minute, and the count of the others after it', async () => {
		const { refusals, details } = audited();
		for (let i = 0; i < 50; i++) refusals.record(refusal(user(1)), 1000 + i);
		expect(details()).toEqual(['/api/interactions: Tenant outside your scope']);
		await refusals.flush(1000 + REFUSAL_WINDOW_MS - 1);
		expect(details()).toHaveLength(1);
		await refusals.flush(1000 + REFUSAL_WINDOW_MS);
		expect(details()[1]).toBe(
			'/api/interactions: Tenant outside your scope (and 49 more in the last minute)'
		);
		expect(refusals.size).toBe(0);
	});

	it('a refusal after the window is a row again, carrying the count', () => {
		const { refusals, details } = audited();
		refusals.record(refusal(user(1)), 0);
		refusals.record(refusal(user(1)), 10);
		refusals.record(refusal(user(1)), REFUSAL_WINDOW_MS + 5);
		expect(details()).toEqual([
			'/api/interactions: Tenant outside your scope',
			'/api/interactions: Tenant outside your scope (and 1 more in the last minute)'
		]);
	});

	it('principals, places and reasons are kinds of their own; numbers are not', () => {
		const { refusals, rows } = audited();
		refusals.record(refusal(user(1)));
		refusals.record(refusal(user(2)));
		refusals.record(refusal(wall));
		refusals.record({ ...refusal(user(1)), where: '/wall' });
		refusals.record(refusal(user(1), 'Queue 3 is outside your scope'));
		refusals.record(refusal(user(1), 'Queue 4 is outside your scope'));
		refusals.record(refusal(user(1), 'Queue 4, 5, 6 is outside your scope'));
		expect(rows.map((r) => [r.viewer, r.detail])).toEqual([
			[user(1), '/api/interactions: Tenant outside your scope'],
			[user(2), '/api/interactions: Tenant outside your scope'],
			[wall, '/api/interactions: Tenant outside your scope'],
			[user(1), '/wall: Tenant outside your scope'],
			[user(1), '/api/interactions: Queue 3 is outside your scope']
		]);
	});

	it('keeps the count when the detail is as long as the column', async () => {
		const { refusals, details } = audited();
		const long = { ...refusal(user(1)), detail: 'x'.repeat(5000) };
		refusals.record(long, 0);
		refusals.record(long, 1);
		await refusals.close();
		expect(details()[1]).toHaveLength(1024);
		expect(details()[1]).toMatch(/x \(and 1 more in the last minute\)$/);
	});

	it('follows a bounded number of kinds, counting the rest in one row', async () => {
		const { refusals, details } = audited(10);
		for (let id = 1; id <= 25; id++) refusals.record(refusal(user(id)), 0);
		expect(refusals.size).toBe(10);
		expect(details()).toHaveLength(10);
		await refusals.close();
		expect(details()).toEqual([
			...Array(10).fill('/api/interactions: Tenant outside your scope'),
			'15 refusals not audited one by one: too many kinds at once'
		]);
		expect(refusals.size).toBe(0);
	});

	it('every refusal counts once in the rows it wrote (for the metrics)', async () => {
		const { refusals, rows } = audited();
		for (let i = 0; i < 50; i++) refusals.record(refusal(user(1)), i);
		refusals.record(refusal(user(1)), REFUSAL_WINDOW_MS + 100);
		refusals.record(refusal(user(1)), REFUSAL_WINDOW_MS + 101);
		await refusals.close();
		expect(rows).toHaveLength(3);
		expect(rows.reduce((sum, row) => sum + 1 + (row.repeats ?? 0), 0)).toBe(52);
	});

	it('forgets kinds once their window is over', async () => {
		const { refusals } = audited();
		for (let id = 1; id <= 100; id++) refusals.record(refusal(user(id)), id);
		expect(refusals.size).toBe(100);
		await refusals.flush(100 + REFUSAL_WINDOW_MS);
		expect(refusals.size).toBe(0);
	});
});
