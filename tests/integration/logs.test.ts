import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newToken, tokenHash } from '../../src/lib/server/auth/tokens';
import { TestClient } from '../support/client';
import { Stack, waitFor } from '../support/stack';

/**
 * LOG_FORMAT=json on the production server, at debug level: one JSON object per line, a request
 * id on HTTP lines and the socket id on socket lines, and never a password (right or wrong), a
 * session token, a wall token, the scrape token or a message body, whatever the run did.
 */

const secret = (what: string) => `${what}-${randomBytes(9).toString('hex')}`;
const PASSWORD = secret('Right-Password');
const WRONG_PASSWORD = secret('Wrong-Password');
const SCRAPE_TOKEN = secret('scrape-token');
const MESSAGE_BODY = secret('Customer says: my card number is');

let stack: Stack;
const output: string[] = [];

beforeAll(async () => {
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		env: { LOG_FORMAT: 'json', LOG_LEVEL: 'debug', METRICS_TOKEN: SCRAPE_TOKEN }
	}).prepare();
	await stack.startServer({ output });
});

afterAll(async () => {
	await stack?.destroy();
});

type Line = Record<string, unknown> & { msg: string; scope: string; level: string };

describe('JSON logs', () => {
	it('carry request and socket ids, and no secret of a whole signed-in session', async () => {
		const tenant = stack.lookups.tenants[0];
		const userId = await stack.createUser({
			username: 'logs.admin',
			role: 'cc_admin',
			tenantId: tenant.id,
			password: PASSWORD
		});
		await (await stack.post('/login', { username: 'logs.admin', password: WRONG_PASSWORD })).text();
		const cookie = await stack.signIn('logs.admin', PASSWORD);
		const sessionToken = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
		const wallToken = newToken();
		await stack.admin.query(
			`INSERT INTO \`${stack.dashDb}\`.wall_tokens (token_hash, label, tenant_id, created_by)
			 VALUES (?, 'Lobby', ?, ?)`,
			[tokenHash(wallToken), tenant.id, userId]
		);

		for (const path of ['/interactions', '/api/interactions?range=yesterday', '/admin']) {
			await (await stack.get(path, cookie)).text();
		}
		const wall = await fetch(`${stack.url}/wall?token=${wallToken}`, {
			redirect: 'manual',
			headers: { accept: 'text/html' }
		});
		expect(wall.status).toBe(303);
		await wall.text();
		const scrape = await fetch(`${stack.url}/metrics`, {
			headers: { authorization: `Bearer ${SCRAPE_TOKEN}` }
		});
		expect(scrape.status).toBe(200);
		await scrape.text();

		const user = new TestClient(stack.socket(cookie));
		const screen = new TestClient(stack.socket('', { wallToken }));
		await waitFor(() => user.ready && screen.ready, 10_000, 'both sockets to subscribe');
		await stack.pbx(
			`INSERT INTO active_interactions (id, uniqueid, tenant_id, queue_id, channel, status, message_body, created_at)
			 VALUES (8800001, 'u-8800001', ?, ?, 'chat', 'new', ?, UTC_TIMESTAMP(3))`,
			[tenant.id, tenant.queues[0].id, MESSAGE_BODY]
		);
		await waitFor(() => user.rows.has('8800001'), 10_000, 'the chat on screen');
		user.socket.disconnect();
		screen.socket.disconnect();
		await stack.stopServer();

		const text = output.join('');
		for (const [name, value] of Object.entries({
			PASSWORD,
			WRONG_PASSWORD,
			sessionToken,
			wallToken,
			SCRAPE_TOKEN,
			MESSAGE_BODY
		})) {
			expect(text.includes(value), `${name} in the log output`).toBe(false);
		}

		const lines = text.split('\n').filter((line) => line.trim() !== '');
		const parsed = lines.map((line) => {
			try {
				return JSON.parse(line) as Line;
			} catch {
				throw new Error(`not a JSON line: ${line}`);
			}
		});
		for (const line of parsed) {
			expect(typeof line.time).toBe('string');
			expect(['debug', 'info', 'warn', 'error']).toContain(line.level);
		}
		const http = parsed.filter((line) => line.scope === 'app:http');
		expect(http.map((line) => line.msg)).toEqual(
			// The path only: the wall link's token is in its query string.
			expect.arrayContaining(['GET /interactions 200', 'GET /wall 303', 'GET /metrics 200'])
		);
		expect(http.filter((line) => line.msg.startsWith('POST /login ')).length).toBe(2);
		for (const line of http) expect(line.requestId, line.msg).toMatch(/^[\w.:-]+$/);
		const sockets = parsed.filter((line) => /^socket (connected|disconnected)$/.test(line.msg));
		expect(sockets.length).toBeGreaterThanOrEqual(4);
		for (const line of sockets) expect(line.socketId, line.msg).toMatch(/^[\w-]+$/);
	});
});
