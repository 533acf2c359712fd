import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { createWallToken, dashRows } from '../support/access';
import { Stack } from '../support/stack';

/**
 * Refusals cost an attacker a request each, and must not cost the audit table a row each:
 * one row per principal and kind of refusal a minute, and the count of
 * the others written when that minute is over (or, here, when the server stops). Against the
 * production server.
 */

let stack: Stack;
let a: DemoTenant;
let b: DemoTenant;
let userId = 0;
let userCookie = '';
let otherCookie = '';
let wallCookie = '';
let wallTokenId = 0;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	[a, b] = stack.lookups.tenants;
	userId = await stack.createUser({ username: 'at.admin', role: 'cc_admin', tenantId: a.id });
	await stack.createUser({ username: 'at.other', role: 'cc_admin', tenantId: a.id });
	await stack.startServer();
	userCookie = await stack.signIn('at.admin');
	otherCookie = await stack.signIn('at.other');
	const created = await createWallToken(stack, userCookie, { label: 'hall', tenantId: a.id });
	const token = String(created.data.wallToken);
	wallCookie = `il_wall=${token}`;
	[{ id: wallTokenId }] = (await dashRows(
		stack,
		"SELECT id FROM wall_tokens WHERE label = 'hall'"
	)) as { id: number }[];
});

afterAll(async () => {
	await stack?.destroy();
});

const refusalsOf = (column: 'user_id' | 'wall_token_id', id: number) =>
	dashRows(
		stack,
		`SELECT detail FROM audit_log WHERE action = 'scope_refused' AND ${column} = ? ORDER BY id`,
		[id]
	) as Promise<{ detail: string }[]>;

describe('refusals over HTTP are audited once a minute per principal and kind', () => {
	it('50 requests for another tenant write one row; another account still gets its own', async () => {
		for (let i = 0; i < 50; i++) {
			const response = await stack.get(`/api/interactions?tenant=${b.id}`, userCookie);
			expect(response.status).toBe(404);
		}
		expect((await stack.get(`/api/interactions/count?tenant=${b.id}`, otherCookie)).status).toBe(404); // prettier-ignore
		const rows = await refusalsOf('user_id', userId);
		expect(rows).toHaveLength(1);
		expect(rows[0].detail).toMatch(/Tenant outside your scope/);
		const [{ n }] = await dashRows(
			stack,
			"SELECT COUNT(*) AS n FROM audit_log WHERE action = 'scope_refused' AND actor = 'at.other'"
		);
		expect(Number(n)).toBe(1);
	});

	it('50 API requests with a wall-display token, each to another path, write one row', async () => {
		for (let i = 0; i < 50; i++) {
			const response = await stack.get(`/api/nothing-${i}`, wallCookie);
			expect(response.status).toBe(404);
		}
		expect(await refusalsOf('wall_token_id', wallTokenId)).toHaveLength(1);
	});

	it('the others are counted, and the count is written when the window closes', async () => {
		await stack.stopServer();
		const user = await refusalsOf('user_id', userId);
		expect(user).toHaveLength(2);
		expect(user[1].detail).toMatch(
			/Tenant outside your scope.*\(and 49 more in the last minute\)$/
		);
		const wall = await refusalsOf('wall_token_id', wallTokenId);
		expect(wall).toHaveLength(2);
		expect(wall[1].detail).toMatch(/wall view only.*\(and 49 more in the last minute\)$/);
	});
});
