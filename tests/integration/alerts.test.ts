import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertView, AlertsMessage } from '../../src/lib/alerts';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { createWallToken, dashCount, dashRows, openSocket, postAction } from '../support/access';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * Alerts end to end against the production server: a breach written as PBX rows fires one alert
 * row and reaches, over the socket, exactly the viewers whose scope includes its queue; an
 * acknowledgement is audited and reaches the other screens; a clearance follows the PBX rows.
 * Cross-tenant and out-of-scope viewers receive nothing and cannot acknowledge.
 */

let stack: Stack;
let pbx: TestPbx;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
const opened: LiveClient[] = [];
const cookies: Record<string, string> = {};
const heard = new Map<string, AlertView[]>();

/** A socket of a person or a wall that records every alert it is sent. */
async function listener(name: string, credentials: { cookie?: string; wallToken?: string }) {
	const socket = await openSocket(stack.url, credentials, opened);
	heard.set(name, []);
	socket.on('alerts:changed', (message: AlertsMessage) => heard.get(name)?.push(...message.alerts));
	return socket;
}

const ack = (socket: LiveClient, request: unknown) =>
	new Promise<unknown>((resolve) => socket.emit('alerts:acknowledge', request, resolve));
const list = (socket: LiveClient) =>
	new Promise<unknown>((resolve) => socket.emit('alerts:list', resolve));

const sockets: Record<string, LiveClient> = {};

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 3 }).prepare();
	[tenantA, tenantB] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	await stack.startServer();
	const [watched, other] = tenantA.queues;
	const users: Parameters<Stack['createUser']>[0][] = [
		{ username: 'al-sup-in', role: 'cc_supervisor', tenantId: tenantA.id, queueIds: [watched.id] },
		{ username: 'al-sup-out', role: 'cc_supervisor', tenantId: tenantA.id, queueIds: [other.id] },
		{ username: 'al-admin-a', role: 'cc_admin', tenantId: tenantA.id },
		{ username: 'al-admin-b', role: 'cc_admin', tenantId: tenantB.id }
	];
	for (const user of users) {
		await stack.createUser(user);
		cookies[user.username] = await stack.signIn(user.username);
	}
	for (const user of users) {
		sockets[user.username] = await listener(user.username, { cookie: cookies[user.username] });
	}
	const wall = async (name: string, queueIds: number[]) => {
		const minted = await createWallToken(stack, cookies['al-admin-a'], { label: name, tenantId: tenantA.id, queueIds }); // prettier-ignore
		sockets[name] = await listener(name, { wallToken: String(minted.data.wallToken) });
	};
	await wall('wall-in', [watched.id]);
	await wall('wall-out', [other.id]);
});

afterAll(async () => {
	for (const socket of opened) socket.close();
	await stack?.destroy();
});

describe('a breach written as PBX rows', () => {
	let alertId = 0;

	it('fires one alert, sent only to the viewers whose scope includes the queue', async () => {
		const [watched] = tenantA.queues;
		// The rule, as the admin page saves it: more than one contact waiting for a second.
		await postRule({ queueId: String(watched.id) });
		await pbx.insertNew({ id: 97_001, tenantId: tenantA.id, queueId: watched.id });
		await pbx.insertNew({ id: 97_002, tenantId: tenantA.id, queueId: watched.id });
		// Tenant B breaches nothing of A's: its calls wait in its own queue.
		await pbx.insertNew({ id: 97_003, tenantId: tenantB.id, queueId: tenantB.queues[0].id });

		await waitFor(() => (heard.get('al-sup-in')?.length ?? 0) > 0, 20_000, 'the alert');
		await waitFor(() => (heard.get('wall-in')?.length ?? 0) > 0, 5_000, 'the wall alert');
		const [alert] = heard.get('al-sup-in') ?? [];
		alertId = alert.id;
		expect(alert).toMatchObject({
			tenantId: tenantA.id,
			queueId: watched.id,
			queueName: watched.name,
			metric: 'waiting-count',
			value: 2,
			threshold: 1,
			clearedAt: null,
			acknowledgedBy: null
		});
		expect(alert.summary).toBe(`${watched.name}: waiting 2 (over 1)`);
		expect(heard.get('al-admin-a')?.map((a) => a.id)).toEqual([alert.id]);
		const rows = await dashRows(stack, 'SELECT id, open FROM alerts');
		expect(rows.map((r) => [Number(r.id), Number(r.open)])).toEqual([[alert.id, 1]]);
	});

	it('sends nothing to another tenant, another queue, or a wall of another queue', async () => {
		// The sockets in scope heard the alert over the same server: the others would have too.
		for (const name of ['al-sup-out', 'al-admin-b', 'wall-out']) {
			expect(heard.get(name), name).toEqual([]);
		}
		const outside = (await list(sockets['al-sup-out'])) as { ok: boolean; alerts: AlertView[] };
		expect(outside).toEqual({ ok: true, alerts: [] });
		const otherTenant = (await list(sockets['al-admin-b'])) as { alerts: AlertView[] };
		expect(otherTenant.alerts).toEqual([]);
		const inside = (await list(sockets['al-sup-in'])) as { alerts: AlertView[] };
		expect(inside.alerts.map((a) => a.id)).toEqual([alertId]);
	});

	it('refuses an acknowledgement from outside the scope, from a wall and of a bad request', async () => {
		const refused = { ok: false, error: 'No such alert' };
		expect(await ack(sockets['al-sup-out'], { id: alertId })).toEqual(refused);
		expect(await ack(sockets['al-admin-b'], { id: alertId })).toEqual(refused);
		expect(await ack(sockets['wall-in'], { id: alertId })).toEqual({
			ok: false,
			error: 'A wall display cannot acknowledge'
		});
		for (const bad of [{ id: 'x' }, { id: -1 }, null, { id: alertId, extra: 1 }]) {
			expect(await ack(sockets['al-sup-in'], bad)).toEqual({ ok: false, error: 'Send { id } of an alert' }); // prettier-ignore
		}
		expect(await dashCount(stack, 'SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NOT NULL')).toBe(0); // prettier-ignore
		const refusals = await dashRows(stack, "SELECT detail FROM audit_log WHERE action = 'scope_refused'"); // prettier-ignore
		expect(refusals.length).toBeGreaterThanOrEqual(2);
	});

	it('audits an acknowledgement and sends it to every screen in scope; walls never learn who', async () => {
		const reply = (await ack(sockets['al-sup-in'], { id: alertId })) as { ok: boolean; alert: AlertView }; // prettier-ignore
		expect(reply.ok).toBe(true);
		expect(reply.alert.acknowledgedBy).toBe('al-sup-in');
		const acked = (name: string) => heard.get(name)?.find((a) => a.acknowledgedAt !== null);
		await waitFor(() => !!acked('al-admin-a') && !!acked('wall-in'), 10_000, 'the ack to spread');
		expect(acked('al-admin-a')?.acknowledgedBy).toBe('al-sup-in');
		expect(acked('wall-in')?.acknowledgedBy).toBeNull();
		const audited = await dashRows(stack, "SELECT subject FROM audit_log WHERE action = 'alert_acknowledged'"); // prettier-ignore
		expect(audited.map((r) => r.subject)).toEqual([`alert:${alertId}`]);
	});

	it('clears once when the queue stops breaching', async () => {
		await pbx.answer(97_001, tenantA.agents[0].id);
		await pbx.answer(97_002, tenantA.agents[1].id);
		const cleared = (name: string) => heard.get(name)?.find((a) => a.clearedAt !== null);
		await waitFor(() => !!cleared('al-sup-in') && !!cleared('wall-in'), 20_000, 'the clearance');
		const rows = await dashRows(stack, 'SELECT open, cleared_at FROM alerts');
		expect(rows).toHaveLength(1);
		expect(rows[0].open).toBeNull();
		expect(rows[0].cleared_at).not.toBeNull();
		for (const name of ['al-sup-out', 'al-admin-b', 'wall-out'])
			expect(heard.get(name)).toEqual([]);
	});
});

/** A rule for tenant A as the admin page's form posts it. */
function ruleForm(
	overrides: Record<string, string | string[]> = {}
): Record<string, string | string[]> {
	return {
		tenantId: String(tenantA.id),
		queueId: String(tenantA.queues[0].id),
		metric: 'waiting-count',
		level: 'critical',
		threshold: '1',
		minDurationSeconds: '1',
		clearThreshold: '0',
		clearDurationSeconds: '0',
		channels: ['screens', 'walls'],
		enabled: 'on',
		...overrides
	};
}

/** Saves a rule for tenant A through the admin page's form action, as its admin. */
async function postRule(overrides: Record<string, string | string[]> = {}): Promise<number> {
	const result = await postAction(stack, '/admin/alerts?/create', ruleForm(overrides), cookies['al-admin-a']); // prettier-ignore
	expect(result.type, JSON.stringify(result.data)).toBe('success');
	return Number(result.data.created);
}

describe('the rules form', () => {
	it.each([
		[{ threshold: '-5' }, 'threshold', 'A whole number from 0–100000'],
		[{ threshold: 'NaN' }, 'threshold', 'Enter a number'],
		[{ metric: 'cpu-load' }, 'metric', 'Choose a metric from the list'],
		[{ minDurationSeconds: '99999' }, 'minDurationSeconds', 'At most 3600 s'],
		[{ metric: 'service-level', threshold: '150' }, 'threshold', 'A number from 1–100 %']
	])(
		'answers %o with 400 and a message on its field, saving nothing',
		async (bad, field, message) => {
			const before = await dashCount(stack, 'SELECT COUNT(*) FROM alert_rules');
			const result = await postAction(stack, '/admin/alerts?/create', ruleForm(bad), cookies['al-admin-a']); // prettier-ignore
			expect(result.status).toBe(400);
			expect(result.data.errors).toMatchObject({ [field]: message });
			expect(await dashCount(stack, 'SELECT COUNT(*) FROM alert_rules')).toBe(before);
		}
	);

	it("refuses another tenant's queue, and another tenant's rules, to a tenant admin", async () => {
		const foreignQueue = ruleForm({ queueId: String(tenantB.queues[0].id) });
		const result = await postAction(stack, '/admin/alerts?/create', foreignQueue, cookies['al-admin-a']); // prettier-ignore
		expect(result.status).toBe(400);
		expect(result.data.errors).toMatchObject({ queueId: 'Choose a queue of this tenant' });
		// Tenant B's admin names tenant A's rule: its own tenant is used, where no such rule is.
		const [rule] = await dashRows(stack, 'SELECT id FROM alert_rules WHERE tenant_id = ?', [tenantA.id]); // prettier-ignore
		const form = { tenantId: String(tenantA.id), id: String(rule.id) };
		const deleted = await postAction(stack, '/admin/alerts?/delete', form, cookies['al-admin-b']);
		expect(deleted.status).toBe(400);
		expect(await dashCount(stack, 'SELECT COUNT(*) FROM alert_rules WHERE id = ?', [rule.id])).toBe(1); // prettier-ignore
		const supervisor = await postAction(stack, '/admin/alerts?/create', ruleForm(), cookies['al-sup-in']); // prettier-ignore
		expect(supervisor.httpStatus).toBe(404);
	});

	it('offers the queue thresholds as default rules, once', async () => {
		const form = { tenantId: String(tenantA.id) };
		const first = await postAction(stack, '/admin/alerts?/defaults', form, cookies['al-admin-a']);
		expect(first.data.createdDefaults).toBe(tenantA.queues.length * 4);
		const again = await postAction(stack, '/admin/alerts?/defaults', form, cookies['al-admin-a']);
		expect(again.data.createdDefaults).toBe(0);
		const audited = await dashCount(stack, "SELECT COUNT(*) FROM audit_log WHERE action = 'alert_rule_created'"); // prettier-ignore
		expect(audited).toBe(tenantA.queues.length * 4 + 1);
	});

	it("exports the tenant's alerts as CSV with its time zone, and none of another tenant", async () => {
		const csv = await stack.get(`/admin/alerts/export?days=7`, cookies['al-admin-a']);
		expect(csv.status).toBe(200);
		const text = await csv.text();
		const [header, ...lines] = text.trim().split('\r\n');
		expect(header).toContain(`Fired (${tenantA.timezone})`);
		expect(lines).toHaveLength(1);
		const other = await stack.get(`/admin/alerts/export?days=7`, cookies['al-admin-b']);
		expect((await other.text()).trim().split('\r\n')).toHaveLength(1);
		const bad = await stack.get(`/admin/alerts/export?days=365`, cookies['al-admin-a']);
		expect(bad.status).toBe(400);
	});
});
