import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { mintWallToken } from '../../scripts/lib/accounts';
import type { Interaction } from '../../src/lib/interaction';
import type { AlertView } from '../../src/lib/alerts';
import { decodeDay, type ReplayDayWire } from '../../src/lib/replay/wire';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { addDays, formatZonedDate, zonedDateOf, zonedMidnight } from '../../src/lib/time/zone';
import { TestPbx } from '../support/pbx';
import { Stack } from '../support/stack';

/**
 * `/api/replay` (issue 25) serves a whole day of rows: the same scope as every other path.
 * A supervisor gets its queues' rows only, from both PBX tables; a tenant is refused like one
 * that does not exist; a wall token gets its queues and the board's fields only; a bad day is a
 * 400 that says why.
 */

let stack: Stack;
let pbx: TestPbx;
let a: DemoTenant;
let b: DemoTenant;
let today = '';
let createdMs = 0;
const cookies: Record<string, string> = {};
let wallCookie = '';

/** Closed today in queues 0, 1, 2 of A and in B; in progress in queues 0 and 3 of A. */
const CLOSED = { q0: 95_001, q1: 95_002, q2: 95_003, tenantB: 95_004 } as const;
/** Closed yesterday (a day that is over: its payload is cached) in queues 0, 1, 2 of A. */
const YESTERDAY = { q0: 95_201, q1: 95_202, q2: 95_203 } as const;
let yesterday = '';
const ACTIVE = { q0: 95_101, q3: 95_102 } as const;
/** Alert breaches (alerts rows) of the day, and one of the day before. */
const BREACH = { q0: 801, q2: 802, screensOnly: 803, tenantB: 804, dayBefore: 805 } as const;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[a, b] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	// A minute ago: the day asked for is that minute's, in each tenant's zone.
	createdMs = Date.now() - 60_000;
	today = formatZonedDate(zonedDateOf(createdMs, a.timezone));
	const closed = (id: number, tenant: DemoTenant, queue: number) => ({
		id,
		uniqueid: `rp-${id}`,
		tenantId: tenant.id,
		queueId: tenant.queues[queue].id,
		channel: 'voice' as const,
		phoneNumber: '+15550142',
		did: '+15550999',
		crmContactId: Number(tenant.contacts[0].id),
		createdMs,
		answeredMs: createdMs + 1000,
		acwMs: createdMs + 2000,
		closedMs: createdMs + 3000
	});
	await pbx.insertClosed([
		closed(CLOSED.q0, a, 0),
		closed(CLOSED.q1, a, 1),
		closed(CLOSED.q2, a, 2),
		closed(CLOSED.tenantB, b, 0)
	]);
	// Noon yesterday in A's zone (a day back from a minute ago, then its day's middle).
	const dayBefore = addDays(zonedDateOf(createdMs, a.timezone), -1);
	yesterday = formatZonedDate(dayBefore);
	const noon = zonedMidnight(dayBefore, a.timezone) + 12 * 3_600_000;
	const atNoon = (id: number, queue: number) => ({ ...closed(id, a, queue), createdMs: noon, answeredMs: noon + 1000, acwMs: noon + 2000, closedMs: noon + 3000 }); // prettier-ignore
	await pbx.insertClosed([atNoon(YESTERDAY.q0, 0), atNoon(YESTERDAY.q1, 1), atNoon(YESTERDAY.q2, 2)]); // prettier-ignore
	await pbx.insertNew({ id: ACTIVE.q0, tenantId: a.id, queueId: a.queues[0].id, phone: '+15550177' }); // prettier-ignore
	await pbx.insertNew({ id: ACTIVE.q3, tenantId: a.id, queueId: a.queues[3].id });
	await stack.createUser({ username: 'rp.platform', role: 'platform_admin' });
	await stack.createUser({ username: 'rp.admin', role: 'cc_admin', tenantId: a.id });
	await stack.createUser({
		username: 'rp.sup',
		role: 'cc_supervisor',
		tenantId: a.id,
		queueIds: [a.queues[0].id, a.queues[1].id]
	});
	// The wall token's queue, as a person: the same scope, another view (every field).
	await stack.createUser({
		username: 'rp.sup0',
		role: 'cc_supervisor',
		tenantId: a.id,
		queueIds: [a.queues[0].id]
	});
	await stack.startServer();
	for (const name of ['rp.platform', 'rp.admin', 'rp.sup', 'rp.sup0'])
		cookies[name] = await stack.signIn(name);
	const token = await mintWallToken(stack.env, {
		label: 'replay wall',
		tenantId: a.id,
		queueIds: [a.queues[0].id]
	});
	wallCookie = `il_wall=${token}`;
	// Breaches of the day (the server's migrations made the table): in A's queues 0 and 2, one
	// of a rule that alerts screens only, one of B, one of the day before.
	const breach = (id: number, tenant: DemoTenant, queue: number, channels: string, firedMs: number) => [id, tenant.id, tenant.queues[queue].id, id, 'waiting-count', 'critical', channels, `Breach ${id}`, 3, 2, msToSqlTime(firedMs), 1, msToSqlTime(firedMs + 1000), 7, 'Dana Acker']; // prettier-ignore
	await stack.admin.query(
		`INSERT INTO ${stack.dashDb}.alerts (id, tenant_id, queue_id, rule_id, metric, level, channels,
		   summary, value, threshold, fired_at, fired_fence, acknowledged_at, acknowledged_by,
		   acknowledged_by_name) VALUES ?`,
		[
			[
				breach(BREACH.q0, a, 0, 'screens,walls', createdMs),
				breach(BREACH.q2, a, 2, 'screens,walls', createdMs),
				breach(BREACH.screensOnly, a, 0, 'screens', createdMs),
				breach(BREACH.tenantB, b, 0, 'screens,walls', createdMs),
				breach(BREACH.dayBefore, a, 0, 'screens,walls', createdMs - 86_400_000)
			]
		]
	);
});

afterAll(async () => {
	await stack?.destroy();
});

async function day(
	query: string,
	cookie: string
): Promise<{ status: number; rows: Interaction[]; breaches: AlertView[]; body: string }> {
	const response = await stack.get(`/api/replay?${query}`, cookie);
	const body = await response.text();
	if (response.status !== 200) return { status: response.status, rows: [], breaches: [], body };
	const wire = JSON.parse(body) as ReplayDayWire;
	return { status: 200, rows: decodeDay(wire).rows, breaches: wire.breaches, body };
}

const alertIds = (breaches: AlertView[]) => breaches.map((b) => b.id).sort((x, y) => x - y);

const ids = (rows: Interaction[]) => rows.map((row) => Number(row.id)).sort((x, y) => x - y);

describe('/api/replay keeps to the scope', () => {
	it('an admin gets its tenant’s day, closed and in progress, and nothing of another tenant', async () => {
		const { status, rows } = await day(`date=${today}`, cookies['rp.admin']);
		expect(status).toBe(200);
		expect(ids(rows)).toEqual([CLOSED.q0, CLOSED.q1, CLOSED.q2, ACTIVE.q0, ACTIVE.q3]);
	});

	it('a supervisor gets its queues only, from both tables', async () => {
		const { status, rows } = await day(`date=${today}`, cookies['rp.sup']);
		expect(status).toBe(200);
		expect(ids(rows)).toEqual([CLOSED.q0, CLOSED.q1, ACTIVE.q0]);
	});

	it('another tenant reads like none; a platform admin names the tenant', async () => {
		const refused = await day(`date=${today}&tenant=${b.id}`, cookies['rp.sup']);
		const missing = await day(`date=${today}&tenant=999999`, cookies['rp.sup']);
		expect(refused.status).toBe(404);
		expect(refused.body).toBe(missing.body);
		const todayOfB = formatZonedDate(zonedDateOf(createdMs, b.timezone));
		const platform = await day(`date=${todayOfB}&tenant=${b.id}`, cookies['rp.platform']);
		expect(ids(platform.rows)).toEqual([CLOSED.tenantB]);
	});

	it('a wall token gets its queues and the board’s fields only (no number, CRM id, DID)', async () => {
		const { status, rows, body } = await day(`date=${today}`, wallCookie);
		expect(status).toBe(200);
		expect(ids(rows)).toEqual([CLOSED.q0, ACTIVE.q0]);
		for (const row of rows) {
			expect(row).toMatchObject({ phoneNumber: null, crmContactId: null, did: null });
		}
		expect(body).not.toContain('+15550142');
		expect(body).not.toContain('+15550177');
		const outside = await day(`date=${today}&queues=${a.queues[1].id}`, wallCookie);
		expect(outside.status).toBe(404);
	});

	it('the day’s breaches: the scope’s only, and a wall the board’s fields of rules that alert walls', async () => {
		const admin = await day(`date=${today}`, cookies['rp.admin']);
		expect(alertIds(admin.breaches)).toEqual([BREACH.q0, BREACH.q2, BREACH.screensOnly]);
		expect(admin.breaches[0].acknowledgedBy).toBe('Dana Acker');
		const sup = await day(`date=${today}`, cookies['rp.sup']);
		expect(alertIds(sup.breaches)).toEqual([BREACH.q0, BREACH.screensOnly]);
		const wall = await day(`date=${today}`, wallCookie);
		expect(alertIds(wall.breaches)).toEqual([BREACH.q0]);
		expect(wall.breaches[0]).toMatchObject({
			acknowledgedBy: null,
			summary: `Breach ${BREACH.q0}`
		});
		expect(wall.body).not.toContain('Dana Acker');
	});

	it('a day that is not a day, or has not come yet, is a 400 that says why', async () => {
		const tomorrow = formatZonedDate(addDays(zonedDateOf(Date.now(), a.timezone), 1));
		for (const [query, message] of [
			['', 'date must be a day'],
			['date=2026-02-30', 'date must be a day'],
			[`date=${tomorrow}`, 'after today'],
			[`date=${today}&queues=x`, 'queues must be']
		]) {
			const { status, body } = await day(query, cookies['rp.admin']);
			expect(status, query).toBe(400);
			expect(body, query).toContain(message);
		}
	});
});

describe('a day that is over is cached by the whole request, scope and view included', () => {
	it('after the admin’s day, a supervisor still gets its queues only, and a wall the board’s fields', async () => {
		// Each asked twice: the second answer is the cached payload.
		for (let i = 0; i < 2; i++) {
			const admin = await day(`date=${yesterday}`, cookies['rp.admin']);
			expect(ids(admin.rows)).toEqual([YESTERDAY.q0, YESTERDAY.q1, YESTERDAY.q2]);
			const sup = await day(`date=${yesterday}`, cookies['rp.sup']);
			expect(ids(sup.rows)).toEqual([YESTERDAY.q0, YESTERDAY.q1]);
			// The wall token's queues, as a person first: every field of its rows.
			const person = await day(`date=${yesterday}`, cookies['rp.sup0']);
			expect(ids(person.rows)).toEqual([YESTERDAY.q0]);
			expect(person.body).toContain('+15550142');
			const wall = await day(`date=${yesterday}`, wallCookie);
			expect(ids(wall.rows)).toEqual([YESTERDAY.q0]);
			expect(wall.rows[0]).toMatchObject({ phoneNumber: null, crmContactId: null, did: null });
			expect(wall.body).not.toContain('+15550142');
		}
	});
});
