import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { dashRows, postAction } from '../support/access';
import { MailReceiver, WebhookReceiver } from '../support/alert-receivers';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor } from '../support/stack';

/**
 * Alert webhooks and email end to end, against the production server: the admin adds a webhook
 * and an address through /admin/alerts's form actions, a breach is written as PBX rows, and a
 * real HTTP receiver and a real SMTP server each get exactly one signed message when it fires
 * and one when it clears; another tenant's webhook gets nothing.
 */

let stack: Stack;
let pbx: TestPbx;
let hooks: WebhookReceiver;
let mail: MailReceiver;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
const cookies: Record<string, string> = {};
let secret = '';

beforeAll(async () => {
	[hooks, mail] = await Promise.all([WebhookReceiver.start(), MailReceiver.start()]);
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		contactsPerTenant: 3,
		env: { WEBHOOK_ALLOW_PRIVATE: 'true', SMTP_URL: `smtp://127.0.0.1:${mail.port}` }
	}).prepare();
	[tenantA, tenantB] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	await stack.startServer();
	for (const [username, tenantId] of [
		['ch-admin-a', tenantA.id],
		['ch-admin-b', tenantB.id]
	] as const) {
		await stack.createUser({ username, role: 'cc_admin', tenantId });
		cookies[username] = await stack.signIn(username);
	}
});

afterAll(async () => {
	await stack?.destroy();
	await hooks?.close();
	await mail?.close();
});

const act = (user: string, action: string, form: Record<string, string | string[]>) =>
	postAction(stack, `/admin/alerts?/${action}`, form, cookies[user]);

function validSignature(header: string, body: string, key: string): boolean {
	const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')));
	if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
	const expected = createHmac('sha256', key).update(`${t}.${body}`).digest();
	const given = Buffer.from(v1 ?? '', 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks and email on the alerts page', () => {
	it('adds a webhook (its secret shown once) and an address; refuses bad ones with a message', async () => {
		const tenantId = String(tenantA.id);
		const added = await act('ch-admin-a', 'addWebhook', { tenantId, url: hooks.url('/a') });
		expect(added.type, JSON.stringify(added.data)).toBe('success');
		const webhook = added.data.addedWebhook as { secret: string; url: string };
		expect(webhook.url).toBe(hooks.url('/a'));
		secret = webhook.secret;
		const address = await act('ch-admin-a', 'addRecipient', { tenantId, address: 'a@one.test' });
		expect(address.type).toBe('success');
		const other = String(tenantB.id);
		expect((await act('ch-admin-b', 'addWebhook', { tenantId: other, url: hooks.url('/b') })).type).toBe('success'); // prettier-ignore

		for (const [form, field] of [
			[{ tenantId, url: 'ftp://example.test/' }, 'url'],
			[{ tenantId, url: '' }, 'url'],
			[{ tenantId, address: 'not an address' }, 'address']
		] as const) {
			const action = 'url' in form ? 'addWebhook' : 'addRecipient';
			const refused = await act('ch-admin-a', action, form);
			expect(refused.status, JSON.stringify(form)).toBe(400);
			expect(refused.data.errors).toHaveProperty(field);
		}
		// Tenant B's admin naming tenant A adds to its own tenant, never to A's.
		await act('ch-admin-b', 'addRecipient', { tenantId, address: 'b@two.test' });
		const rows = await dashRows(stack, 'SELECT tenant_id, address FROM alert_email_recipients ORDER BY address'); // prettier-ignore
		expect(rows.map((r) => [Number(r.tenant_id), r.address])).toEqual([
			[tenantA.id, 'a@one.test'],
			[tenantB.id, 'b@two.test']
		]);
		const page = await (await stack.get(`/admin/alerts`, cookies['ch-admin-a'])).text();
		expect(page).toContain(hooks.url('/a'));
		expect(page).not.toContain(hooks.url('/b'));
		expect(page).not.toContain(secret);
	});

	it('sends one signed webhook and one email when a breach fires, and one of each when it clears', async () => {
		const [queue] = tenantA.queues;
		const rule = await act('ch-admin-a', 'create', {
			tenantId: String(tenantA.id),
			queueId: String(queue.id),
			metric: 'waiting-count',
			level: 'critical',
			threshold: '1',
			minDurationSeconds: '1',
			clearThreshold: '0',
			clearDurationSeconds: '0',
			channels: ['screens', 'webhook', 'email'],
			enabled: 'on'
		});
		expect(rule.type, JSON.stringify(rule.data)).toBe('success');
		// The evaluator reads rules again within 5 s.
		await new Promise((resolve) => setTimeout(resolve, 5_500));
		await pbx.insertNew({ id: 98_001, tenantId: tenantA.id, queueId: queue.id });
		await pbx.insertNew({ id: 98_002, tenantId: tenantA.id, queueId: queue.id });

		await hooks.waitFor(() => hooks.on('/a').length >= 1, 20_000);
		await waitFor(() => mail.messages.length >= 1, 10_000, 'the email');
		const [fired] = hooks.on('/a');
		expect(validSignature(String(fired.headers['x-interactions-signature']), fired.body, secret)).toBe(true); // prettier-ignore
		const payload = JSON.parse(fired.body);
		expect(payload).toMatchObject({
			type: 'alert.fired',
			text: `Critical alert: ${queue.name}: waiting 2 (over 1)`,
			alert: { tenantId: tenantA.id, queueId: queue.id, queueName: queue.name, value: 2 }
		});
		expect(payload.id).toBe(`alert-${payload.alert.id}-fired`);
		expect(mail.messages[0].to).toEqual(['a@one.test']);

		await pbx.answer(98_001, tenantA.agents[0].id);
		await pbx.answer(98_002, tenantA.agents[1].id);
		await hooks.waitFor(() => hooks.on('/a').length >= 2, 20_000);
		await waitFor(() => mail.messages.length >= 2, 10_000, 'the clearance email');
		// Nothing more arrives: one of each per transition, and nothing for tenant B.
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect(hooks.on('/a').map((r) => JSON.parse(r.body).type)).toEqual([
			'alert.fired',
			'alert.cleared'
		]);
		expect(mail.messages.map((m) => m.to)).toEqual([['a@one.test'], ['a@one.test']]);
		expect(hooks.on('/b')).toEqual([]);
		const log = await dashRows(stack, 'SELECT status, attempts FROM alert_deliveries');
		expect(log.map((r) => [r.status, Number(r.attempts)])).toEqual(Array(4).fill(['sent', 1]));
	});
});
