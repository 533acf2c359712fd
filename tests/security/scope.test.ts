import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoContact, DemoTenant } from '../../scripts/lib/demo-data';
import { mintWallToken } from '../../scripts/lib/accounts';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { postAction, thresholdsForm } from '../support/access';
import { TestPbx } from '../support/pbx';
import { Stack } from '../support/stack';

/**
 * Names and ids outside the scope: a supervisor learns an agent's or a
 * contact's name only where its queues already show that person on a row; a contact, caller
 * number or agent of another tenant, or outside a supervisor's queues, reads exactly like one
 * that does not exist — on every route, for every kind of viewer.
 */

let stack: Stack;
let pbx: TestPbx;
let a: DemoTenant;
let b: DemoTenant;
const cookies: Record<string, string> = {};
let wallCookie = '';
let userOfB = 0;
let tokenOfB = 0;

/** Interactions written for the test; ids are fixed so the routes can be asked about them. */
const ROW = { inQ0: 91_001, inQ1: 91_002, outQ2: 91_003, tenantB: 91_004 } as const;
const ACTIVE = { outQ3: 91_101, inQ1: 91_102, inQ0: 91_103 } as const;
const FOREIGN_PHONE = '+19995550101';
const NOWHERE = '999999999';

let person: {
	agentIn: number;
	agentOut: number;
	agentActive: number;
	agentB: number;
	contactIn: DemoContact;
	contactOut: DemoContact;
	contactActive: DemoContact;
	contactB: DemoContact;
};

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[a, b] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	person = {
		agentIn: a.agents[0].id,
		agentOut: a.agents[1].id,
		agentActive: a.agents[2].id,
		agentB: b.agents[0].id,
		contactIn: a.contacts[0],
		contactOut: a.contacts[1],
		contactActive: a.contacts[2],
		contactB: b.contacts[0]
	};
	const yesterday = msToSqlTime(Date.now() - 26 * 3_600_000);
	const closed = (
		id: number,
		tenant: DemoTenant,
		queue: number,
		agent: number,
		contact: DemoContact | null,
		phone: string | null
	) => [
		id,
		`sec-${id}`,
		tenant.id,
		tenant.queues[queue].id,
		'voice',
		agent,
		contact?.id ?? null,
		phone ?? contact?.phone ?? null,
		yesterday,
		yesterday,
		`sec/${id}.wav`
	];
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, created_at, closed_at, recording_file) VALUES ?`,
		[
			[
				closed(ROW.inQ0, a, 0, person.agentIn, person.contactIn, null),
				closed(ROW.inQ1, a, 1, person.agentIn, null, '+19995550000'),
				closed(ROW.outQ2, a, 2, person.agentOut, person.contactOut, FOREIGN_PHONE),
				closed(ROW.tenantB, b, 0, person.agentB, person.contactB, null)
			]
		]
	);
	await stack.pbx(
		`INSERT INTO transcriptions (interaction_id, language, segments, created_at) VALUES ?`,
		[
			Object.values(ROW).map((id) => [
				id,
				'en',
				'[{"speaker":"agent","start":0,"end":1,"text":"hello"}]',
				yesterday
			])
		]
	);
	await pbx.insertNew({
		id: ACTIVE.outQ3,
		tenantId: a.id,
		queueId: a.queues[3].id,
		crmContactId: Number(person.contactOut.id)
	});
	await pbx.insertNew({
		id: ACTIVE.inQ1,
		tenantId: a.id,
		queueId: a.queues[1].id,
		crmContactId: Number(person.contactActive.id)
	});
	await pbx.insertNew({ id: ACTIVE.inQ0, tenantId: a.id, queueId: a.queues[0].id });
	await pbx.answer(ACTIVE.inQ0, person.agentActive);

	await stack.createUser({ username: 'sec.platform', role: 'platform_admin' });
	await stack.createUser({ username: 'sec.admin.a', role: 'cc_admin', tenantId: a.id });
	await stack.createUser({
		username: 'sec.sup.a',
		role: 'cc_supervisor',
		tenantId: a.id,
		queueIds: [a.queues[0].id, a.queues[1].id]
	});
	await stack.startServer();
	for (const name of ['sec.platform', 'sec.admin.a', 'sec.sup.a']) {
		cookies[name] = await stack.signIn(name);
	}
	userOfB = await stack.createUser({ username: 'sec.admin.b', role: 'cc_admin', tenantId: b.id });
	await mintWallToken(stack.env, { label: 'of b', tenantId: b.id, queueIds: 'all' });
	const [tokens] = await stack.admin.query<RowDataPacket[]>(
		`SELECT id FROM \`${stack.dashDb}\`.wall_tokens WHERE label = 'of b'`
	);
	tokenOfB = Number(tokens[0].id);
	const token = await mintWallToken(stack.env, {
		label: 'sec wall',
		tenantId: a.id,
		queueIds: [a.queues[0].id]
	});
	wallCookie = `il_wall=${token}`;
});

afterAll(async () => {
	await stack?.destroy();
});

async function answer(path: string, cookie: string) {
	const response = await stack.get(path, cookie);
	return { status: response.status, body: await response.text() };
}

const history = (key: string, value: string | number) =>
	`/api/history?${key}=${encodeURIComponent(String(value))}`;

describe('a supervisor reads names only where its queues show them', () => {
	const sup = () => cookies['sec.sup.a'];

	it('/api/history: people seen only in other queues read like nobody', async () => {
		const nobody = await answer(history('contact', NOWHERE), sup());
		expect(nobody.status).toBe(404);
		for (const path of [
			history('contact', person.contactOut.id),
			history('agent', person.agentOut),
			history('phone', FOREIGN_PHONE),
			history('contact', person.contactB.id),
			history('agent', person.agentB)
		]) {
			expect(await answer(path, sup()), path).toEqual(nobody);
		}
	});

	it('/api/history: people on a row of its queues, closed or in progress, are found', async () => {
		for (const path of [
			history('contact', person.contactIn.id),
			history('agent', person.agentIn),
			history('phone', person.contactIn.phone ?? ''),
			history('contact', person.contactActive.id),
			history('agent', person.agentActive)
		]) {
			const { status, body } = await answer(path, sup());
			expect(status, path).toBe(200);
			const rows = (JSON.parse(body) as { rows: { queueId: number }[] }).rows;
			expect(rows.length, path).toBeGreaterThan(0);
			expect(rows.every((r) => [a.queues[0].id, a.queues[1].id].includes(r.queueId))).toBe(true);
		}
	});

	it('the window title names a person only when the scope shows them', async () => {
		const page = (win: string) => answer(`/interactions?win=${encodeURIComponent(win)}`, sup());
		const nobody = await page(`contact:${NOWHERE}`);
		expect(nobody.status).toBe(200);
		expect(nobody.body).toContain('That history window does not exist or is out of your scope');
		const agentName = a.agents.find((x) => x.id === person.agentOut)?.name ?? '?';
		for (const [win, name] of [
			[`contact:${person.contactOut.id}`, person.contactOut.name],
			[`agent:${person.agentOut}`, agentName],
			[`phone:${FOREIGN_PHONE}`, FOREIGN_PHONE],
			[`contact:${person.contactB.id}`, person.contactB.name]
		]) {
			const out = await page(win);
			expect(out.body.includes(name), `${win} shows ${name}`).toBe(false);
			// The same page as for an id that does not exist, but for the echoed address (and the
			// CSP nonce, new on every page).
			const same = (body: string, echoed: string) =>
				body
					.replaceAll(encodeURIComponent(echoed), 'X')
					.replaceAll(echoed, 'X')
					.replace(/nonce="[^"]*"/g, 'nonce');
			expect(same(out.body, win)).toBe(same(nobody.body, `contact:${NOWHERE}`));
		}
		const own = await page(`contact:${person.contactIn.id}`);
		expect(own.body).toContain(`Client history: ${person.contactIn.name}`);
	});

	it('a Contact Center Admin sees every queue of its tenant, and no other tenant', async () => {
		const admin = cookies['sec.admin.a'];
		expect((await answer(history('contact', person.contactOut.id), admin)).status).toBe(200);
		expect((await answer(history('agent', person.agentOut), admin)).status).toBe(200);
		expect((await answer(history('phone', FOREIGN_PHONE), admin)).status).toBe(200);
		const nobody = await answer(history('contact', NOWHERE), admin);
		for (const path of [
			history('contact', person.contactB.id),
			history('phone', person.contactB.phone ?? ''),
			history('agent', person.agentB)
		]) {
			expect(await answer(path, admin), path).toEqual(nobody);
		}
	});
});

describe('foreign ids on every route, as every kind of viewer', () => {
	/** Per viewer: ids that exist but are outside its scope. */
	const foreignFor = () => ({
		'sec.sup.a': {
			rows: [ROW.outQ2, ROW.tenantB],
			contacts: [person.contactOut.id, person.contactB.id],
			agents: [person.agentOut, person.agentB],
			phones: [FOREIGN_PHONE, person.contactB.phone ?? ''],
			tenants: [b.id]
		},
		'sec.admin.a': {
			rows: [ROW.tenantB],
			contacts: [person.contactB.id],
			agents: [person.agentB],
			phones: [person.contactB.phone ?? ''],
			tenants: [b.id]
		}
	});

	const routes = (f: ReturnType<typeof foreignFor>['sec.sup.a']) => [
		...f.rows.flatMap((id) => [
			[`/api/recordings/${id}`, `/api/recordings/${NOWHERE}`],
			[`/api/recordings/${id}?download=1`, `/api/recordings/${NOWHERE}?download=1`],
			[`/api/transcriptions/${id}`, `/api/transcriptions/${NOWHERE}`]
		]),
		...f.contacts.map((id) => [history('contact', id), history('contact', NOWHERE)]),
		...f.agents.map((id) => [history('agent', id), history('agent', NOWHERE)]),
		...f.phones.map((phone) => [history('phone', phone), history('phone', '+10000000000')]),
		...f.tenants.flatMap((id) => [
			[`/api/interactions?range=last7&tenant=${id}`, `/api/interactions?range=last7&tenant=${NOWHERE}`],
			[`/api/interactions/count?tenant=${id}`, `/api/interactions/count?tenant=${NOWHERE}`],
			[`/api/interactions/export?range=last7&tenant=${id}`, `/api/interactions/export?range=last7&tenant=${NOWHERE}`],
			[`/api/recordings/${ROW.inQ0}?tenant=${id}`, `/api/recordings/${ROW.inQ0}?tenant=${NOWHERE}`],
			[`/api/history?agent=${person.agentIn}&tenant=${id}`, `/api/history?agent=${person.agentIn}&tenant=${NOWHERE}`],
			[`/wall?tenant=${id}`, `/wall?tenant=${NOWHERE}`]
		]),
		[`/wall?queues=${b.queues[0].id}`, `/wall?queues=${NOWHERE}`]
	]; // prettier-ignore

	for (const who of ['sec.sup.a', 'sec.admin.a'] as const) {
		it(`${who}: a foreign id answers 404, exactly like an id that does not exist`, async () => {
			for (const [foreign, missing] of routes(foreignFor()[who])) {
				const got = await answer(foreign, cookies[who]);
				const none = await answer(missing, cookies[who]);
				expect(got.status, foreign).toBe(404);
				expect(got, foreign).toEqual(none);
			}
		});
	}

	it('Administrators actions: another tenant’s account or token reads like none', async () => {
		const adminA = cookies['sec.admin.a'];
		const form = (id: string) => ({
			id,
			username: `sec-other-${id}`,
			displayName: 'x',
			role: 'cc_admin',
			tenantId: String(a.id),
			permissions: ['interactions']
		});
		const saved = await postAction(stack, '/admin?/saveUser', form(String(userOfB)), adminA);
		const none = await postAction(stack, '/admin?/saveUser', form(NOWHERE), adminA);
		expect(saved.status).toBe(404);
		expect(saved).toEqual({ ...none });
		const revoked = await postAction(stack, '/admin?/revokeWallToken', { id: String(tokenOfB) }, adminA);
		const noToken = await postAction(stack, '/admin?/revokeWallToken', { id: NOWHERE }, adminA);
		expect(revoked.status).toBe(404);
		expect(revoked).toEqual(noToken);
		const thresholds = (queueId: number | string) => thresholdsForm(String(b.id), String(queueId));
		const foreignQueue = await postAction(stack, '/admin/thresholds?/save', thresholds(b.queues[0].id), adminA);
		const noQueue = await postAction(stack, '/admin/thresholds?/save', thresholds(NOWHERE), adminA);
		expect(foreignQueue.status).toBeGreaterThanOrEqual(400);
		expect({ ...foreignQueue, data: { ...foreignQueue.data, queueId: 0 } }).toEqual({ ...noQueue, data: { ...noQueue.data, queueId: 0 } });
		// A supervisor or a wall token gets 404 from every action.
		for (const cookie of [cookies['sec.sup.a'], wallCookie]) {
			for (const path of ['/admin?/saveUser', '/admin?/revokeWallToken', '/admin?/createWallToken', '/admin/thresholds?/save']) {
				expect((await postAction(stack, path, { id: String(tokenOfB) }, cookie)).httpStatus, path).toBe(404);
			}
		}
	}); // prettier-ignore

	it('a platform admin: ids that do not exist answer 404', async () => {
		for (const path of [
			`/api/recordings/${NOWHERE}?tenant=${a.id}`,
			`/api/transcriptions/${NOWHERE}?tenant=${a.id}`,
			`${history('contact', NOWHERE)}&tenant=${a.id}`,
			`${history('agent', person.agentB)}&tenant=${a.id}`,
			`/api/interactions?tenant=${NOWHERE}`,
			`/wall?tenant=${NOWHERE}`
		]) {
			expect((await answer(path, cookies['sec.platform'])).status, path).toBe(404);
		}
	});

	it('a wall token: every API route and id answers 404', async () => {
		for (const path of [
			`/api/recordings/${ROW.inQ0}`,
			`/api/transcriptions/${ROW.inQ0}`,
			history('agent', person.agentIn),
			'/api/interactions?range=last7',
			'/api/interactions/export?range=last7',
			'/interactions',
			'/admin',
			`/wall?tenant=${b.id}`,
			`/wall?queues=${a.queues[1].id}`
		]) {
			expect((await answer(path, wallCookie)).status, path).toBe(404);
		}
	});
});
