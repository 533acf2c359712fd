import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lifecycleBurst } from '../support/burst';
import { TestClient } from '../support/client';
import { labelNamesOf, parseExposition, valueOf, type Exposition } from '../support/metrics';
import { Stack, waitFor } from '../support/stack';

/**
 * /metrics on the production server: closed to anyone without the scrape token, and every
 * metric the operators' dashboards and alerts use present with its type and its (bounded)
 * labels. /health and /ready say nothing a stranger could count.
 */

const TOKEN = `scrape-${randomBytes(12).toString('hex')}`;
let stack: Stack;

beforeAll(async () => {
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		env: { METRICS_TOKEN: TOKEN }
	}).prepare();
	await stack.startServer();
});

afterAll(async () => {
	await stack?.destroy();
});

const scrape = (authorization?: string, cookie = '') =>
	fetch(`${stack.url}/metrics`, {
		headers: { ...(authorization ? { authorization } : {}), cookie }
	});

async function metrics(): Promise<Exposition> {
	const response = await scrape(`Bearer ${TOKEN}`);
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
	return parseExposition(await response.text());
}

/** name, type, label names: what deploy/ (dashboard, alerts) and the README rely on. */
const EXPECTED: [string, string, string[]][] = [
	['il_node_info', 'gauge', ['node']],
	['il_ready', 'gauge', []],
	['il_binlog_tailing', 'gauge', []],
	['il_binlog_tailer_state', 'gauge', ['state']],
	['il_binlog_stream_down_seconds', 'gauge', []],
	['il_binlog_lag_seconds', 'gauge', []],
	['il_binlog_lag_bytes', 'gauge', []],
	['il_binlog_restarts_total', 'counter', []],
	['il_binlog_position_lost_total', 'counter', []],
	['il_binlog_commits_read_total', 'counter', []],
	['il_live_commits_applied_total', 'counter', []],
	['il_live_changes_applied_total', 'counter', []],
	['il_live_rows', 'gauge', []],
	['il_changelog_head_seq', 'gauge', []],
	['il_changelog_oldest_seq', 'gauge', []],
	['il_commit_emit_seconds', 'histogram', []],
	['il_sockets_open', 'gauge', ['role', 'tenant']],
	['il_subscribes_total', 'counter', ['answer']],
	['il_resyncs_total', 'counter', []],
	['il_socket_messages_sent_total', 'counter', ['event']],
	['il_socket_bytes_sent_total', 'counter', ['event']],
	['il_history_query_seconds', 'histogram', ['query']],
	['il_export_seconds', 'histogram', ['outcome', 'source']],
	['il_export_rows_total', 'counter', ['source']],
	['il_export_bytes_total', 'counter', ['source']],
	['il_signin_failures_total', 'counter', ['reason']],
	['il_audit_events_total', 'counter', ['action']],
	['process_cpu_seconds_total', 'counter', []],
	['process_resident_memory_bytes', 'gauge', []],
	['nodejs_eventloop_lag_seconds', 'gauge', []],
	['nodejs_heap_size_used_bytes', 'gauge', []]
];

/** Present only with several nodes (REDIS_URL). */
const CLUSTER_ONLY = ['il_cluster_role', 'il_cluster_fencing_token', 'il_changelog_stream_length'];

/** Labels whose values would grow without bound (one series per person or interaction). */
const UNBOUNDED = /^(user|username|user_id|userid|session|interaction|interaction_id|id|ip|path)$/i;

describe('/metrics', () => {
	it('refuses a scrape without the token, a wrong token, or a signed-in session', async () => {
		const admin = await stack.createUser({ username: 'metrics.admin', role: 'platform_admin' });
		expect(admin).toBeGreaterThan(0);
		const cookie = await stack.signIn('metrics.admin');
		for (const [authorization, withCookie] of [
			[undefined, ''],
			[`Bearer ${TOKEN}-not`, ''],
			[`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, ''],
			[undefined, cookie]
		] as const) {
			const response = await scrape(authorization, withCookie);
			expect(response.status, String(authorization)).toBe(401);
			expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
			const body = await response.text();
			expect(body).not.toMatch(/il_|# TYPE|\d/);
		}
		const viaQuery = await fetch(`${stack.url}/metrics?token=${TOKEN}`);
		expect(viaQuery.status).toBe(401);
	});

	it('/health and /ready answer anyone, with no figure in them', async () => {
		const health = await fetch(`${stack.url}/health`);
		expect(health.status).toBe(200);
		expect(await health.text()).toBe('{"ok":true}');
		const ready = await fetch(`${stack.url}/ready`);
		expect(ready.status).toBe(200);
		expect(await ready.text()).toBe('{"ready":true}');
	});

	it('has every metric with its type and bounded labels, moving with the work done', async () => {
		const tenant = stack.lookups.tenants[0];
		const other = stack.lookups.tenants[1];
		await stack.createUser({ username: 'metrics.cc', role: 'cc_admin', tenantId: tenant.id });
		const cookie = await stack.signIn('metrics.cc');
		// A wrong password: counted as a failure by credentials.
		await (await stack.post('/login', { username: 'metrics.cc', password: 'wrong' })).text();
		const client = new TestClient(stack.socket(cookie));
		await waitFor(() => client.ready, 10_000, 'the subscription');
		await lifecycleBurst(stack, tenant, { interactions: 5, firstId: 7_700_000 });
		await waitFor(() => client.rows.size >= 5, 10_000, 'the burst on screen');
		for (const path of [
			'/api/interactions?range=yesterday',
			'/api/interactions/count?range=yesterday',
			'/api/history?phone=5550100',
			`/api/interactions?range=yesterday&tenant=${other.id}`
		]) {
			const response = await stack.get(path, cookie);
			expect([200, 404]).toContain(response.status);
			await response.arrayBuffer();
		}
		const csv = await stack.get('/api/interactions/export?range=last7', cookie);
		expect(csv.status).toBe(200);
		const csvBytes = (await csv.arrayBuffer()).byteLength;

		let m = await metrics();
		await waitFor(
			async () => {
				m = await metrics();
				return valueOf(m, 'il_export_seconds_count', { source: 'history', outcome: 'done' }) === 1;
			},
			5_000,
			'the export to be counted'
		);
		for (const [name, type, labels] of EXPECTED) {
			expect(m.types.get(name), name).toBe(type);
			expect(labelNamesOf(m, name), name).toEqual(labels);
		}
		for (const sample of m.samples.filter((s) => s.name.startsWith('il_'))) {
			for (const key of Object.keys(sample.labels)) expect(key, sample.name).not.toMatch(UNBOUNDED);
			if (sample.labels.tenant) expect(sample.labels.tenant).toMatch(/^(\d+|none)$/);
		}

		expect(valueOf(m, 'il_ready')).toBe(1);
		expect(valueOf(m, 'il_binlog_tailing')).toBe(1);
		expect(valueOf(m, 'il_binlog_tailer_state', { state: 'streaming' })).toBe(1);
		expect(valueOf(m, 'il_binlog_stream_down_seconds')).toBe(0);
		expect(valueOf(m, 'il_binlog_commits_read_total')).toBeGreaterThanOrEqual(20);
		expect(valueOf(m, 'il_live_changes_applied_total')).toBeGreaterThanOrEqual(20);
		expect(valueOf(m, 'il_changelog_head_seq')).toBeGreaterThanOrEqual(20);
		expect(valueOf(m, 'il_changelog_oldest_seq')).toBe(1);
		expect(valueOf(m, 'il_commit_emit_seconds_count')).toBeGreaterThanOrEqual(20);
		const role = { tenant: String(tenant.id), role: 'cc_admin' };
		expect(valueOf(m, 'il_sockets_open', role)).toBe(1);
		expect(valueOf(m, 'il_subscribes_total', { answer: 'snapshot' })).toBeGreaterThanOrEqual(1);
		// Batched: one message per room and event-loop turn, so fewer messages than changes.
		const sent = valueOf(m, 'il_socket_messages_sent_total', { event: 'live:changes' });
		expect(sent).toBeGreaterThanOrEqual(1);
		expect(sent).toBeLessThanOrEqual(20);
		expect(valueOf(m, 'il_socket_bytes_sent_total', { event: 'live:changes' })).toBeGreaterThan(
			20 * 100
		);
		for (const query of ['page', 'count', 'person']) {
			expect(valueOf(m, 'il_history_query_seconds_count', { query }), query).toBeGreaterThanOrEqual(
				1
			);
		}
		expect(valueOf(m, 'il_export_bytes_total', { source: 'history' })).toBe(csvBytes);
		expect(valueOf(m, 'il_signin_failures_total', { reason: 'credentials' })).toBe(1);
		expect(valueOf(m, 'il_audit_events_total', { action: 'scope_refused' })).toBe(1);
		expect(m.types.has('il_cluster_role')).toBe(false);
	});

	it('has every metric the Grafana dashboard and the alert rules in deploy/ use', async () => {
		const m = await metrics();
		const deployed = ['deploy/grafana-dashboard.json', 'deploy/prometheus-alerts.yml']
			.map((file) => readFileSync(file, 'utf8'))
			.join('\n');
		const names = new Set(deployed.match(/\b(?:il|process|nodejs)_[a-z0-9_]+/g));
		expect(names.size).toBeGreaterThan(20);
		for (const name of names) {
			if (CLUSTER_ONLY.includes(name)) continue; // checked by cluster-status.test.ts
			const histogram = name.replace(/_(bucket|count|sum)$/, '');
			expect(m.types.has(name) || m.types.get(histogram) === 'histogram', name).toBe(true);
		}
	});
});
