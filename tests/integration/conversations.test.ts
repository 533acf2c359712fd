import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { Stack } from '../support/stack';

/**
 * GET /api/conversations/[id] against the production server and the real MariaDB: the whole
 * message text of a chat, SMS or WhatsApp interaction (closed or still in progress), in turns,
 * and nothing of it outside the viewer's tenant and queues (issue 26, item 5).
 */

let stack: Stack;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
const cookies = { adminA: '', supA: '', adminB: '', platform: '' };

const ID = {
	chatA0: '92001',
	smsA1: '92002',
	chatB: '92003',
	voiceA0: '92004',
	activeA0: '92005',
	activeA1: '92006',
	noSpeakers: '92007'
} as const;

const LONG = 'my parcel never arrived and nobody answers the phone, '.repeat(6).trim();
const BODY_A0 = `Customer: Hello, ${LONG}\nAgent: I am sorry. Let me look.\nsecond line of the same message\nCustomer: Thanks.`;

const INSERT_CLOSED = `INSERT INTO closed_interactions
	(id, uniqueid, tenant_id, queue_id, channel, phone_number, created_at, closed_at, message_body)
	VALUES (?, ?, ?, ?, ?, '+15550100', NOW(3), NOW(3), ?)`;
const INSERT_ACTIVE = `INSERT INTO active_interactions
	(id, uniqueid, tenant_id, queue_id, channel, status, phone_number, created_at, message_body)
	VALUES (?, ?, ?, ?, 'whatsapp', 'active', '+15550100', NOW(3), ?)`;

function get(pathname: string, cookie: string) {
	return fetch(stack.url + pathname, { redirect: 'manual', headers: { cookie } });
}

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[tenantA, tenantB] = stack.lookups.tenants;
	const closed = (id: string, t: DemoTenant, q: number, channel: string, body: string | null) =>
		stack.pbx(INSERT_CLOSED, [id, `u-${id}`, t.id, t.queues[q].id, channel, body]);
	await closed(ID.chatA0, tenantA, 0, 'chat', BODY_A0);
	await closed(ID.smsA1, tenantA, 1, 'sms', 'Customer: Queue one secret');
	await closed(ID.chatB, tenantB, 0, 'chat', 'Customer: Tenant B secret');
	await closed(ID.voiceA0, tenantA, 0, 'voice', 'Customer: voice body secret');
	await closed(ID.noSpeakers, tenantA, 0, 'sms', 'A plain text\nwith no speakers');
	await stack.pbx(INSERT_ACTIVE, [
		ID.activeA0,
		'u-a0',
		tenantA.id,
		tenantA.queues[0].id,
		'Customer: Still typing'
	]);
	await stack.pbx(INSERT_ACTIVE, [ID.activeA1, 'u-a1', tenantA.id, tenantA.queues[1].id, 'Customer: Queue one live secret']); // prettier-ignore
	await stack.createUser({ username: 'conv-admin-a', role: 'cc_admin', tenantId: tenantA.id });
	await stack.createUser({ username: 'conv-admin-b', role: 'cc_admin', tenantId: tenantB.id });
	await stack.createUser({ username: 'conv-platform', role: 'platform_admin' });
	await stack.createUser({
		username: 'conv-sup-a',
		role: 'cc_supervisor',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	await stack.startServer();
	cookies.adminA = await stack.signIn('conv-admin-a');
	cookies.adminB = await stack.signIn('conv-admin-b');
	cookies.platform = await stack.signIn('conv-platform');
	cookies.supA = await stack.signIn('conv-sup-a');
});

afterAll(async () => {
	await stack?.destroy();
});

describe('GET /api/conversations/[id]', () => {
	it('returns the whole text in turns, a line without a speaker continuing its turn', async () => {
		const response = await get(`/api/conversations/${ID.chatA0}`, cookies.supA);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(await response.json()).toEqual({
			id: ID.chatA0,
			language: null,
			channel: 'chat',
			inProgress: false,
			segments: [
				{ speaker: 'customer', start: null, end: null, text: `Hello, ${LONG}` },
				{
					speaker: 'agent',
					start: null,
					end: null,
					text: 'I am sorry. Let me look.\nsecond line of the same message'
				},
				{ speaker: 'customer', start: null, end: null, text: 'Thanks.' }
			]
		});
	});

	it('reads a conversation still in progress, and one with no speakers', async () => {
		const live = await (await get(`/api/conversations/${ID.activeA0}`, cookies.supA)).json();
		expect(live).toMatchObject({ channel: 'whatsapp', inProgress: true });
		expect(live.segments).toEqual([
			{ speaker: 'customer', start: null, end: null, text: 'Still typing' }
		]);
		const plain = await (await get(`/api/conversations/${ID.noSpeakers}`, cookies.adminA)).json();
		expect(plain.segments).toEqual([
			{ speaker: null, start: null, end: null, text: 'A plain text\nwith no speakers' }
		]);
	});

	it('answers 404 outside the tenant or the queues, for voice, and 401 anonymous', async () => {
		const cases: [string, string, number][] = [
			[ID.smsA1, cookies.supA, 404],
			[ID.activeA1, cookies.supA, 404],
			[ID.chatB, cookies.supA, 404],
			[ID.chatB, cookies.adminA, 404],
			[ID.chatA0, cookies.adminB, 404],
			[ID.voiceA0, cookies.adminA, 404],
			['92999', cookies.adminA, 404],
			['not-an-id', cookies.adminA, 400],
			[`0${ID.chatA0}`, cookies.adminA, 400]
		];
		for (const [id, cookie, status] of cases) {
			const response = await get(`/api/conversations/${id}`, cookie);
			expect(response.status, id).toBe(status);
			const body = await response.text();
			expect(body, id).not.toContain('secret');
			expect(body, id).not.toContain('parcel');
		}
		// In scope, the same ids read: the 404s above are the scope, not missing rows.
		expect((await get(`/api/conversations/${ID.smsA1}`, cookies.adminA)).status).toBe(200);
		expect((await get(`/api/conversations/${ID.activeA1}`, cookies.adminA)).status).toBe(200);
		const platform = await get(`/api/conversations/${ID.chatB}?tenant=${tenantB.id}`, cookies.platform); // prettier-ignore
		expect(platform.status).toBe(200);
		expect((await get(`/api/conversations/${ID.chatA0}`, '')).status).toBe(401);
	});

	it('records a view in the audit log, and nothing for a refused one', async () => {
		const rows = async () => {
			const [found] = await stack.admin.query<RowDataPacket[]>(
				`SELECT actor FROM \`${stack.dashDb}\`.audit_log WHERE action = 'conversation_viewed' AND subject = ?`,
				[`interaction:${ID.smsA1}`]
			);
			return found;
		};
		const before = (await rows()).length;
		await (await get(`/api/conversations/${ID.smsA1}`, cookies.supA)).arrayBuffer();
		expect(await rows()).toHaveLength(before);
		await (await get(`/api/conversations/${ID.smsA1}`, cookies.adminA)).arrayBuffer();
		const after = await rows();
		expect(after).toHaveLength(before + 1);
		expect(after[after.length - 1]).toMatchObject({ actor: 'conv-admin-a' });
	});
});
