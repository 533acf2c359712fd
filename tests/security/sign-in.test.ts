import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { browserPost, dashCount, dashRows } from '../support/access';
import { hashPassword } from '../../src/lib/server/auth/password';
import { Stack } from '../support/stack';

/**
 * Sign-in as an attacker tries it: parallel guesses against one
 * account, user names outside Latin-1 and look-alike spellings, the status codes a script sees,
 * and password hashes at today's cost. Against the production server.
 */

const PASSWORD = 'correct horse battery';

let stack: Stack;
const ids: Record<string, number> = {};

beforeAll(async () => {
	// The product's own cost: this file checks the hashes it writes.
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		contactsPerTenant: 2,
		env: { PASSWORD_HASHING: 'standard' }
	}).prepare();
	const [tenant] = stack.lookups.tenants;
	for (const username of ['sec-parallel', 'coral.supervisor', 'sec-status', 'sec-old-hash']) {
		ids[username] = await stack.createUser({
			username,
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [tenant.queues[0].id]
		});
	}
	await stack.startServer();
});

// Every attempt comes from 127.0.0.1: start each test with a clean throttle.
afterEach(async () => {
	await dashRows(stack, 'DELETE FROM login_throttle');
});

afterAll(async () => {
	await stack?.destroy();
});

/** A sign-in as a script sends it: no Accept header, form-encoded. */
function scriptedSignIn(username: string, password: string): Promise<Response> {
	return fetch(`${stack.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		body: new URLSearchParams({ username, password }),
		headers: { origin: stack.url, 'content-type': 'application/x-www-form-urlencoded' }
	});
}

/** The error message of a rendered sign-in page. */
const errorOf = (html: string) =>
	/<p class="error[^"]*" role="alert">([^<]*)<\/p>/.exec(html)?.[1]?.trim();

describe('the throttle holds under parallel requests', () => {
	it('of 40 simultaneous wrong passwords for one account, at most 5 are evaluated', async () => {
		const answers = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				browserPost(stack, '/login', { username: 'sec-parallel', password: `wrong ${i}` }).then(
					async (response) => ({ status: response.status, error: errorOf(await response.text()) })
				)
			)
		);
		const evaluated = answers.filter((a) => a.error === 'Wrong user name or password.');
		const throttled = answers.filter((a) => a.status === 429);
		expect(evaluated.length).toBeGreaterThan(0);
		expect(evaluated.length).toBeLessThanOrEqual(5);
		expect(evaluated.length + throttled.length).toBe(40);
		// The audit agrees: at most 5 failures that were not refused by the throttle.
		const audited = await dashCount(
			stack,
			`SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND actor = 'sec-parallel'
			   AND (detail IS NULL OR detail <> 'throttled')`
		);
		expect(audited).toBeLessThanOrEqual(5);
		// And the account is locked now, for the right password too.
		expect((await browserPost(stack, '/login', { username: 'sec-parallel', password: PASSWORD })).status).toBe(429); // prettier-ignore
	});

	it('successful sign-ins from one address do not add up to a lock', async () => {
		for (let i = 0; i < 8; i++) {
			expect((await scriptedSignIn('sec-status', PASSWORD)).status).toBe(200);
		}
		const [row] = await dashRows(
			stack,
			"SELECT failures FROM login_throttle WHERE throttle_key = 'ip:127.0.0.1'"
		);
		expect(Number(row?.failures ?? 0)).toBe(0);
	});
});

describe('user names outside Latin-1 and variant spellings', () => {
	it('any user name answers 400 "wrong user name or password", never 500', async () => {
		const names = [
			'ｘｙｚ',
			'😀',
			'Δοκιμή',
			'用户',
			'coral.supervisór',
			'coral\u0000supervisor',
			'\uFFFF'
		];
		for (const username of names) {
			const response = await browserPost(stack, '/login', { username, password: PASSWORD });
			expect(response.status, username).toBe(400);
			expect(errorOf(await response.text()), username).toBe('Wrong user name or password.');
		}
	});

	it('a look-alike spelling with the right password does not sign in as the account', async () => {
		const before = await dashCount(stack, 'SELECT COUNT(*) FROM sessions WHERE user_id = ?', [
			ids['coral.supervisor']
		]);
		for (const variant of [
			'coral.supervisór',
			'coral.supervisor\u0301',
			'ｃoral.supervisor',
			'CORAL.SUPERVİSOR'
		]) {
			const response = await browserPost(stack, '/login', {
				username: variant,
				password: PASSWORD
			});
			expect(response.status, variant).toBe(400);
		}
		expect(
			await dashCount(stack, 'SELECT COUNT(*) FROM sessions WHERE user_id = ?', [
				ids['coral.supervisor']
			])
		).toBe(before);
		expect(
			await dashCount(
				stack,
				"SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in' AND actor <> 'coral.supervisor' AND actor LIKE 'coral%'"
			)
		).toBe(0);
	});

	it('case and surrounding spaces are the one normalisation: the audit names the account', async () => {
		const response = await browserPost(stack, '/login', {
			username: '  Coral.Supervisor ',
			password: PASSWORD
		});
		expect(response.status).toBe(303);
		const [last] = await dashRows(
			stack,
			"SELECT actor FROM audit_log WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1"
		);
		expect(last.actor).toBe('coral.supervisor');
	});

	it('the dashboard tables compare exactly: utf8mb4 with a binary collation', async () => {
		const columns = await dashRows(
			stack,
			`SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME
			   FROM information_schema.COLUMNS
			  WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL`
		);
		expect(columns.length).toBeGreaterThan(10);
		const off = columns.filter((c) => c.COLLATION_NAME !== 'utf8mb4_bin');
		expect(off.map((c) => `${c.TABLE_NAME}.${c.COLUMN_NAME} ${c.COLLATION_NAME}`)).toEqual([]);
	});
});

describe('password hashes at the current cost', () => {
	it('new hashes use scrypt N=2^17, r=8, p=1', async () => {
		const [row] = await dashRows(stack, 'SELECT password_hash FROM users WHERE id = ?', [
			ids['sec-status']
		]);
		expect(String(row.password_hash)).toMatch(/^scrypt\$131072\$8\$1\$/);
	});

	it('an older, cheaper hash is replaced at the next sign-in, and still signs in', async () => {
		const old = await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 });
		await dashRows(stack, 'UPDATE users SET password_hash = ? WHERE id = ?', [
			old,
			ids['sec-old-hash']
		]);
		const wrong = await browserPost(stack, '/login', {
			username: 'sec-old-hash',
			password: 'not the password'
		});
		expect(wrong.status).toBe(400);
		const stored = async () =>
			String(
				(
					await dashRows(stack, 'SELECT password_hash FROM users WHERE id = ?', [
						ids['sec-old-hash']
					])
				)[0].password_hash
			);
		// A failed attempt proves nothing about the password: the old hash stays.
		expect(await stored()).toBe(old);
		expect(
			(await browserPost(stack, '/login', { username: 'sec-old-hash', password: PASSWORD })).status
		).toBe(303);
		expect(await stored()).toMatch(/^scrypt\$131072\$8\$1\$/);
		expect(
			(await browserPost(stack, '/login', { username: 'sec-old-hash', password: PASSWORD })).status
		).toBe(303);
	});
});
