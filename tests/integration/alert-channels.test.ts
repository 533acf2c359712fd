import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AlertView } from '../../src/lib/alerts';
import {
	ChannelSettings,
	createAlertChannels,
	enqueueDeliveries,
	type AlertChannels,
	type DeliveryFence
} from '../../src/lib/server/alerts/channels';
import type { AlertChannelSettings } from '../../src/lib/server/config';
import { migrate } from '../../src/lib/server/dashboard/migrations';
import { createPool } from '../../src/lib/server/db';
import { createLogger } from '../../src/lib/server/log';
import { MailReceiver, WebhookReceiver } from '../support/alert-receivers';

/**
 * The alert channels against real parts: a dashboard database migrated by the product, the
 * outbox written by enqueueDeliveries in a transaction as the evaluator writes it, the
 * DeliveryWorker sending to a real HTTP receiver and a real SMTP server.
 */

const database = `dash_alerts_${Math.random().toString(16).slice(2, 10)}`;
const log = createLogger({ level: 'error' });
let pool: Pool;
let hooks: WebhookReceiver;
let mail: MailReceiver;
let channels: AlertChannels | null = null;
let nextAlertId = 1;

beforeAll(async () => {
	const target = {
		host: '127.0.0.1',
		port: inject('mariadb').port,
		user: 'il_test',
		password: 'il_test',
		database
	};
	const admin = await mysql.createConnection({ ...target, database: undefined });
	await admin.query(`CREATE DATABASE \`${database}\``);
	await admin.end();
	pool = createPool(target, 8);
	await migrate(pool, log);
	[hooks, mail] = await Promise.all([WebhookReceiver.start(), MailReceiver.start()]);
});

afterAll(async () => {
	await pool?.query(`DROP DATABASE IF EXISTS \`${database}\``);
	await pool?.end();
	await hooks?.close();
	await mail?.close();
});

beforeEach(async () => {
	for (const table of ['alert_deliveries', 'alert_webhooks', 'alert_email_recipients']) {
		await pool.query(`DELETE FROM ${table}`);
	}
	await claimAlerts(LEAD);
	hooks.requests.length = 0;
	mail.messages.length = 0;
});

afterEach(async () => {
	await channels?.close();
	channels = null;
});

function settings(overrides: Partial<AlertChannelSettings> = {}): AlertChannelSettings {
	return {
		smtpUrl: `smtp://127.0.0.1:${mail.port}`,
		smtpFrom: 'Interactions Live <alerts@example.test>',
		webhookAllowPrivate: true,
		timeoutMs: 2000,
		retryForMs: 60_000,
		...overrides
	};
}

/** The evaluator's claim of alert_fence that the worker sends under (alerts/store.ts). */
const LEAD: DeliveryFence = { token: 1, claim: 'claim-of-the-leader' };

async function claimAlerts(fence: DeliveryFence): Promise<void> {
	await pool.query('UPDATE alert_fence SET token = ?, claim = ? WHERE id = 1', [
		fence.token,
		fence.claim
	]);
}

function startChannels(overrides: Partial<AlertChannelSettings> = {}): AlertChannels {
	channels = createAlertChannels(settings(overrides), pool, log, { backoffBaseMs: 200 });
	channels.worker.start(LEAD);
	return channels;
}

function alert(tenantId: number, overrides: Partial<AlertView> = {}): AlertView {
	return {
		id: nextAlertId++,
		tenantId,
		queueId: 10 + tenantId,
		queueName: `Sales ${tenantId}`,
		ruleId: 1,
		metric: 'longest-wait',
		level: 'critical',
		summary: `Sales ${tenantId}: longest wait 3:12 (over 2:00)`,
		value: 192,
		threshold: 120,
		interactionId: null,
		firedAt: new Date().toISOString(),
		clearedAt: null,
		acknowledgedAt: null,
		acknowledgedBy: 'Sam Supervisor',
		...overrides
	};
}

/** As the evaluator does: the outbox rows in the transaction that writes the alert. */
async function fire(view: AlertView, transition: 'fired' | 'cleared' = 'fired'): Promise<number> {
	const conn = await pool.getConnection();
	try {
		await conn.beginTransaction();
		const queued = await enqueueDeliveries(conn, view, transition);
		await conn.commit();
		// As the app does when the alert row's change reaches it (alert.changed).
		channels?.worker.wake();
		return queued;
	} finally {
		conn.release();
	}
}

async function addWebhook(tenantId: number, path: string): Promise<string> {
	const added = await new ChannelSettings(pool, true).addWebhook(tenantId, hooks.url(path), null);
	if (!added.ok) throw new Error(added.error);
	return added.secret;
}

async function deliveries(): Promise<RowDataPacket[]> {
	const [rows] = await pool.query<RowDataPacket[]>(
		'SELECT id, tenant_id, channel, target, status, attempts, last_error FROM alert_deliveries ORDER BY id'
	);
	return rows;
}

async function until(
	predicate: () => Promise<boolean> | boolean,
	timeoutMs = 30_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await predicate())) {
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** A receiver's check, as the README shows it: HMAC-SHA256 over "<t>.<body>", fresh t. */
function validSignature(header: string, body: string, secret: string): boolean {
	const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')));
	if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
	const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
	const given = Buffer.from(v1 ?? '', 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('alert webhooks and email', () => {
	it('sends one signed webhook and one email per transition, once even when queued twice', async () => {
		const secret = await addWebhook(1, '/t1');
		await pool.query(
			"INSERT INTO alert_email_recipients (tenant_id, address) VALUES (1, 'sup@example.test')"
		);
		startChannels();
		const view = alert(1);
		expect(await fire(view)).toBe(2);
		// A new leader writing the same transition again queues nothing.
		expect(await fire(view)).toBe(0);
		await until(async () => (await deliveries()).every((row) => row.status === 'sent'));
		await new Promise((resolve) => setTimeout(resolve, 500));

		expect(hooks.on('/t1')).toHaveLength(1);
		const [request] = hooks.on('/t1');
		expect(
			validSignature(String(request.headers['x-interactions-signature']), request.body, secret)
		).toBe(true);
		expect(
			validSignature(String(request.headers['x-interactions-signature']), request.body, 'wrong')
		).toBe(false);
		const payload = JSON.parse(request.body);
		expect(payload).toMatchObject({
			id: `alert-${view.id}-fired`,
			type: 'alert.fired',
			text: `Critical alert: ${view.summary}`,
			alert: { id: view.id, queueName: 'Sales 1', level: 'critical' }
		});
		expect(payload.alert).not.toHaveProperty('acknowledgedBy');
		expect(request.headers['x-interactions-delivery']).toBe(`alert-${view.id}-fired`);

		expect(mail.messages).toHaveLength(1);
		expect(mail.messages[0].to).toEqual(['sup@example.test']);
		expect(mail.messages[0].raw).toContain(`Subject: Critical alert: ${view.summary}`);

		await fire({ ...view, clearedAt: new Date().toISOString() }, 'cleared');
		await hooks.waitFor(() => hooks.on('/t1').length === 2);
		await until(() => mail.messages.length === 2);
		expect(JSON.parse(hooks.on('/t1')[1].body).type).toBe('alert.cleared');
	});

	it("reaches only the alert's own tenant's webhooks and inboxes", async () => {
		await addWebhook(1, '/mine');
		await addWebhook(2, '/theirs');
		await pool.query(
			"INSERT INTO alert_email_recipients (tenant_id, address) VALUES (1, 'a@one.test'), (2, 'b@two.test')"
		);
		startChannels();
		await fire(alert(1));
		await hooks.waitFor(() => hooks.on('/mine').length === 1);
		await until(() => mail.messages.length === 1);
		expect(hooks.on('/theirs')).toEqual([]);
		expect(mail.messages.map((m) => m.to)).toEqual([['a@one.test']]);
		expect((await deliveries()).map((row) => Number(row.tenant_id))).toEqual([1, 1]);
	});

	it('retries after a 500 with the same idempotency id, then records it sent', async () => {
		await addWebhook(1, '/flaky');
		hooks.answer('/flaky', 500, 500, 200);
		startChannels();
		await fire(alert(1));
		await until(async () => (await deliveries())[0]?.status === 'sent');
		const requests = hooks.on('/flaky');
		expect(requests).toHaveLength(3);
		expect(new Set(requests.map((r) => JSON.parse(r.body).id)).size).toBe(1);
		const [row] = await deliveries();
		expect(Number(row.attempts)).toBe(3);
		expect(row.last_error).toBeNull();
	});

	it("a dead endpoint of one tenant does not delay another tenant's alert", async () => {
		await addWebhook(1, '/dead');
		await addWebhook(2, '/alive');
		hooks.answer('/dead', 'hang');
		startChannels({ timeoutMs: 10_000 });
		for (let i = 0; i < 10; i += 1) await fire(alert(1));
		await hooks.waitFor(() => hooks.hanging > 0);
		await fire(alert(2));
		await hooks.waitFor(() => hooks.on('/alive').length === 1);
		// Tenant 2 was served while tenant 1's endpoint still held its request unanswered.
		expect(hooks.hanging).toBeGreaterThan(0);
		// One request at a time per target: the dead endpoint got one, not ten.
		expect(hooks.on('/dead')).toHaveLength(1);
	});

	it('gives up on a huge or slow answer after its cap and timeout, and goes on', async () => {
		await addWebhook(1, '/huge');
		await addWebhook(1, '/slow');
		hooks.answer('/huge', (_request, response) => {
			response.writeHead(500);
			const chunk = Buffer.alloc(64 * 1024, 'x');
			const pump = () => {
				while (response.write(chunk));
			};
			response.on('drain', pump);
			pump();
		});
		hooks.answer('/slow', (_request, response) => {
			response.writeHead(200);
			response.write('still thinking');
		});
		startChannels({ timeoutMs: 1000, retryForMs: 1 });
		await fire(alert(1));
		await until(async () => (await deliveries()).every((row) => row.status !== 'pending'));
		const rows = await deliveries();
		const huge = rows.find((row) => String(row.target).endsWith('/huge'));
		expect(huge?.status).toBe('failed');
		expect(String(huge?.last_error)).toMatch(/^HTTP 500: x+$/);
		expect(String(huge?.last_error).length).toBeLessThanOrEqual(512);
		// A 2xx is success as soon as its status arrives: the body is not waited for.
		expect(rows.find((row) => String(row.target).endsWith('/slow'))?.status).toBe('sent');
	});

	it('refuses loopback and private addresses unless WEBHOOK_ALLOW_PRIVATE, and never follows a redirect', async () => {
		await addWebhook(1, '/private');
		await pool.query(
			"INSERT INTO alert_webhooks (tenant_id, url, secret) VALUES (1, ?, 's'), (1, 'http://169.254.169.254/latest/meta-data/', 's')",
			[`http://localhost:${hooks.port}/by-name`]
		);
		startChannels({ webhookAllowPrivate: false });
		await fire(alert(1));
		await until(async () => (await deliveries()).every((row) => row.status !== 'pending'));
		const rows = await deliveries();
		expect(rows.map((row) => row.status)).toEqual(['failed', 'failed', 'failed']);
		for (const row of rows) expect(String(row.last_error)).toMatch(/^refused: .*private or local/);
		expect(Number(rows[0].attempts)).toBe(1);
		expect(hooks.requests).toEqual([]);
		await channels?.close();
		channels = null;

		await pool.query('DELETE FROM alert_webhooks');
		await pool.query('DELETE FROM alert_deliveries');
		await addWebhook(1, '/moved');
		hooks.answer('/moved', (_request, response) =>
			response.writeHead(302, { location: hooks.url('/elsewhere') }).end()
		);
		startChannels();
		await fire(alert(1));
		await until(async () => (await deliveries())[0]?.status === 'failed');
		expect(String((await deliveries())[0].last_error)).toMatch(/redirect not followed/);
		expect(hooks.on('/elsewhere')).toEqual([]);
	});

	it("a stalled old leader's worker cannot claim once a newer leader claimed the alerts", async () => {
		await addWebhook(1, '/fenced');
		const oldLeader = createAlertChannels(settings(), pool, log, { backoffBaseMs: 200 });
		const newLeader = createAlertChannels(settings(), pool, log, { backoffBaseMs: 200 });
		const newer = { token: 8, claim: 'claim-of-the-new-leader' };
		try {
			await claimAlerts(newer);
			newLeader.worker.start(newer);
			await fire(alert(1));
			await hooks.waitFor(() => hooks.on('/fenced').length === 1);
			await newLeader.close();
			oldLeader.worker.start({ token: 7, claim: 'claim-of-the-old-leader' });
			await fire(alert(1));
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(hooks.on('/fenced')).toHaveLength(1);
			const [, second] = await deliveries();
			expect(second.status).toBe('pending');
			expect(Number(second.attempts)).toBe(0);
		} finally {
			await oldLeader.close();
			await newLeader.close();
		}
	});

	it('a worker that stops (its node stepped down) gives its rows back for the next leader at once', async () => {
		await addWebhook(1, '/handover');
		hooks.answer('/handover', 'hang');
		const stepping = createAlertChannels(settings({ timeoutMs: 10_000 }), pool, log);
		const next = createAlertChannels(settings(), pool, log);
		try {
			stepping.worker.start(LEAD);
			await fire(alert(1));
			await hooks.waitFor(() => hooks.hanging > 0);
			await stepping.close();
			const [row] = await pool.query<RowDataPacket[]>(
				'SELECT status, attempts, claimed_until FROM alert_deliveries'
			);
			expect(row).toMatchObject([{ status: 'pending', attempts: 0, claimed_until: null }]);
			// The next leader claims the alerts and sends without waiting for the old claim to lapse.
			hooks.answer('/handover', 200);
			const newer = { token: 2, claim: 'claim-after-the-handover' };
			await claimAlerts(newer);
			next.worker.start(newer);
			await until(async () => (await deliveries())[0]?.status === 'sent', 5_000);
			expect(hooks.on('/handover')).toHaveLength(2);
			expect(Number((await deliveries())[0].attempts)).toBe(1);
		} finally {
			await stepping.close();
			await next.close();
		}
	});

	it("an admin's settings and delivery log reach its own tenant's rows only", async () => {
		const settingsOf = new ChannelSettings(pool, false);
		const one = await settingsOf.addWebhook(1, 'https://hooks.example.test/one', null);
		const two = await settingsOf.addWebhook(2, 'https://hooks.example.test/two', null);
		if (!one.ok || !two.ok) throw new Error('webhooks not added');
		await settingsOf.addRecipient(1, 'a@one.test', null);
		await settingsOf.addRecipient(2, 'b@two.test', null);
		await fire(alert(1));
		await fire(alert(2));

		expect((await settingsOf.webhooks(1)).map((hook) => hook.id)).toEqual([one.id]);
		expect(await settingsOf.recipients(1)).toEqual(['a@one.test']);
		expect((await settingsOf.deliveryLog(1)).map((entry) => entry.target).sort()).toEqual([
			'a@one.test',
			'https://hooks.example.test/one'
		]);
		// Tenant 1's admin posting tenant 2's ids changes nothing of tenant 2's.
		expect(await settingsOf.setWebhookEnabled(1, two.id, false)).toBe(false);
		expect(await settingsOf.deleteWebhook(1, two.id)).toBe(false);
		expect(await settingsOf.removeRecipient(1, 'b@two.test')).toBe(false);
		expect(await settingsOf.webhooks(2)).toEqual([
			expect.objectContaining({ id: two.id, enabled: true })
		]);
		expect(await settingsOf.recipients(2)).toEqual(['b@two.test']);
		// Its own: changed.
		expect(await settingsOf.setWebhookEnabled(1, one.id, false)).toBe(true);
		expect(await settingsOf.deleteWebhook(1, one.id)).toBe(true);
		expect(await settingsOf.removeRecipient(1, 'a@one.test')).toBe(true);
	});

	it('refuses a webhook URL that is not http(s) or names a private address, with a message', async () => {
		const settingsOf = new ChannelSettings(pool, false);
		for (const url of ['ftp://example.test/', 'http://127.0.0.1:9/x', 'http://[::1]/', 'nope']) {
			const added = await settingsOf.addWebhook(1, url, null);
			expect(added, url).toMatchObject({ ok: false, field: 'url' });
		}
		expect(await settingsOf.webhooks(1)).toEqual([]);
	});
});
