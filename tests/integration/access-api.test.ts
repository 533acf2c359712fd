import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Interaction } from '../../src/lib/interaction';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { browserPost } from '../support/access';
import { Stack } from '../support/stack';

/**
 * The read API and the thresholds page as every kind of viewer, with ids of other tenants and
 * other queues: only in-scope data comes back; anything else reads as "does not exist".
 */

let stack: Stack;
const cookies: Record<string, string> = {};

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	const [a, b] = stack.lookups.tenants;
	const rows: unknown[][] = [];
	let id = 1;
	for (const tenant of [a, b]) {
		for (const queue of tenant.queues) {
			for (let i = 0; i < 3; i++) {
				rows.push([
					id++,
					`api-${id}`,
					tenant.id,
					queue.id,
					tenant.agents[0].id,
					tenant.contacts[0].id,
					tenant.contacts[0].phone
				]);
			}
		}
	}
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, agent_id, crm_contact_id,
		   phone_number, channel, created_at, closed_at) VALUES ?`,
		[rows.map((r) => [...r, 'voice', yesterday(), yesterday()])]
	);
	await stack.startServer();
	await stack.createUser({ username: 'api.platform', role: 'platform_admin' });
	await stack.createUser({ username: 'api.admin.a', role: 'cc_admin', tenantId: a.id });
	await stack.createUser({ username: 'api.admin.b', role: 'cc_admin', tenantId: b.id });
	await stack.createUser({
		username: 'api.sup.a',
		role: 'cc_supervisor',
		tenantId: a.id,
		queueIds: [a.queues[0].id]
	});
	for (const name of ['api.platform', 'api.admin.a', 'api.admin.b', 'api.sup.a']) {
		cookies[name] = await stack.signIn(name);
	}
});

afterAll(async () => {
	await stack?.destroy();
});

function yesterday(): string {
	return msToSqlTime(Date.now() - 26 * 3_600_000);
}

async function getJson(path: string, who?: string) {
	const response = await stack.get(path, who ? cookies[who] : '');
	const body = (await response.json()) as {
		rows?: Interaction[];
		message?: string;
		count?: number;
	};
	return { status: response.status, body };
}

describe('read API scope', () => {
	it('refuses the anonymous with 401 on every API route', async () => {
		for (const path of [
			'/api/interactions?range=last7',
			'/api/interactions/count?range=last7',
			'/api/interactions/export?range=last7',
			'/api/history?agent=1',
			'/api/recordings/1',
			'/api/transcriptions/1'
		]) {
			expect((await stack.get(path)).status, path).toBe(401);
		}
	});

	it('lists only the tenant and queues in scope, and counts the same', async () => {
		const [a, b] = stack.lookups.tenants;
		const admin = await getJson('/api/interactions?range=last7', 'api.admin.a');
		expect(admin.status).toBe(200);
		expect(admin.body.rows?.length).toBe(a.queues.length * 3);
		expect(admin.body.rows?.every((r) => r.tenantId === a.id)).toBe(true);
		const count = await getJson('/api/interactions/count?range=last7', 'api.admin.a');
		expect(count.body.count).toBe(a.queues.length * 3);

		const sup = await getJson('/api/interactions?range=last7', 'api.sup.a');
		expect(sup.body.rows?.map((r) => r.queueId)).toEqual([
			a.queues[0].id,
			a.queues[0].id,
			a.queues[0].id
		]);
		const supCount = await getJson('/api/interactions/count?range=last7', 'api.sup.a');
		expect(supCount.body.count).toBe(3);

		// Naming another tenant is a 404, whoever asks short of a platform admin.
		for (const who of ['api.admin.a', 'api.sup.a']) {
			expect((await getJson(`/api/interactions?range=last7&tenant=${b.id}`, who)).status).toBe(404);
			expect(
				(await getJson(`/api/interactions/count?range=last7&tenant=${b.id}`, who)).status
			).toBe(404);
		}
		const platform = await getJson(`/api/interactions?range=last7&tenant=${b.id}`, 'api.platform');
		// Every one of the named tenant's rows, and only those (an empty answer must not pass).
		expect(platform.body.rows?.length).toBe(b.queues.length * 3);
		expect(new Set(platform.body.rows?.map((r) => r.tenantId))).toEqual(new Set([b.id]));
		expect((await getJson('/api/interactions?range=last7', 'api.platform')).status).toBe(400);
	});

	it('treats a queue outside the scope exactly like an unknown queue', async () => {
		const [a, b] = stack.lookups.tenants;
		const outside = await getJson(
			`/api/interactions?range=last7&queue=${a.queues[1].id}`,
			'api.sup.a'
		);
		const foreign = await getJson(
			`/api/interactions?range=last7&queue=${b.queues[0].id}`,
			'api.admin.a'
		);
		const unknown = await getJson('/api/interactions?range=last7&queue=999999', 'api.admin.a');
		for (const answer of [outside, foreign, unknown]) {
			expect(answer.status).toBe(400);
			expect(answer.body.message).toBe('queueId: Unknown queue');
		}
	});

	it('client and agent history never cross the scope', async () => {
		const [a, b] = stack.lookups.tenants;
		const foreignAgent = await getJson(`/api/history?agent=${b.agents[0].id}`, 'api.admin.a');
		expect(foreignAgent.status).toBe(404);
		const unknownAgent = await getJson('/api/history?agent=999999', 'api.admin.a');
		expect(unknownAgent.status).toBe(404);
		// Another tenant's contact or caller number is a 404 too, as docs/API.md says.
		const foreignContact = await getJson(`/api/history?contact=${b.contacts[0].id}`, 'api.admin.a');
		expect(foreignContact.status).toBe(404);
		const foreignPhone = await getJson(
			`/api/history?phone=${encodeURIComponent(b.contacts[0].phone ?? '')}`,
			'api.admin.a'
		);
		expect(foreignPhone.status).toBe(404);
		const ownContact = await getJson(`/api/history?contact=${a.contacts[0].id}`, 'api.sup.a');
		expect(ownContact.body.rows?.length).toBe(3);
		expect(ownContact.body.rows?.every((r) => r.queueId === a.queues[0].id)).toBe(true);
		const ownAgent = await getJson(`/api/history?agent=${a.agents[0].id}`, 'api.admin.a');
		expect(ownAgent.body.rows?.length).toBe(a.queues.length * 3);
	});

	it('answers garbage with a 400 and a message, never a 500', async () => {
		for (const path of [
			'/api/interactions?range=forever',
			'/api/interactions?range=custom&from=2026-02-30&to=2026-03-01',
			'/api/interactions?range=custom&from=2026-03-05&to=2026-03-01',
			`/api/interactions?agent=${'x'.repeat(5000)}`,
			'/api/interactions?cursor=%%%',
			'/api/interactions?cursor=WyJ4Il0',
			'/api/interactions?limit=0',
			'/api/interactions?sort=status&range=last7',
			'/api/interactions?range=last7&sort=duration&jump=2026-01-01T10:00',
			'/api/interactions?range=last7&jump=yesterday',
			'/api/interactions?range=last7&limit=2001',
			'/api/interactions?channel=fax',
			'/api/history',
			'/api/history?agent=abc',
			'/api/history?contact=1&cursor=nope'
		]) {
			const { status, body } = await getJson(path, 'api.admin.a');
			expect(status, path).toBe(400);
			expect(body.message, path).toBeTruthy();
		}
	});

	it('the thresholds page: admins of the tenant only', async () => {
		const [a, b] = stack.lookups.tenants;
		expect((await stack.get('/admin/thresholds', cookies['api.sup.a'])).status).toBe(404);
		expect((await stack.get('/admin/thresholds')).status).toBe(303);
		const page = await stack.get('/admin/thresholds', cookies['api.admin.a']);
		expect(page.status).toBe(200);
		expect(await page.text()).not.toContain(b.name);
		const foreign = await browserPost(
			stack,
			'/admin/thresholds?/save',
			{ tenantId: String(b.id), queueId: String(b.queues[0].id), waitAmber: '30', waitRed: '60' },
			cookies['api.admin.a']
		);
		expect(foreign.status).toBe(400);
		expect(a.id).not.toBe(b.id);
	});
});
