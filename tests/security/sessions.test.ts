import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { openSocket, postAction, subscribe, whenEnded } from '../support/access';
import { startTestMariaDb } from '../../scripts/lib/test-mariadb';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor, type LiveClient } from '../support/stack';

/**
 * Sessions that end when they should, with the dashboard database on
 * another MariaDB server than the PBX: its changes never appear in the binlog the server tails,
 * so whatever reaches an open socket here came from the admin action itself.
 */

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

let stack: Stack;
let dashboardServer: Awaited<ReturnType<typeof startTestMariaDb>>;
let dash: mysql.Pool;
let tenant: DemoTenant;
let adminCookie = '';
const ids: Record<string, number> = {};
const sockets: LiveClient[] = [];

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 2 }).prepare();
	[tenant] = stack.lookups.tenants;
	dashboardServer = await startTestMariaDb();
	const { port } = dashboardServer.handle;
	dash = mysql.createPool({
		host: '127.0.0.1',
		port,
		user: 'il_test',
		password: 'il_test',
		dateStrings: true,
		connectionLimit: 2
	});
	// Stack.prepare made an empty one next to the PBX: this test's dashboard lives elsewhere.
	await stack.admin.query(`DROP DATABASE \`${stack.dashDb}\``);
	const account = `'${stack.appUser}'@'127.0.0.1'`;
	await dash.query(`CREATE DATABASE \`${stack.dashDb}\``);
	await dash.query(`CREATE USER ${account} IDENTIFIED BY 'secret'`);
	await dash.query(`GRANT ALL PRIVILEGES ON \`${stack.dashDb}\`.* TO ${account}`);
	stack.env.DASHBOARD_DATABASE_URL = `mysql://${stack.appUser}:secret@127.0.0.1:${port}/${stack.dashDb}`;

	const pbx = new TestPbx(stack.admin, stack.pbxDb);
	await pbx.insertNew({ id: 93_001, tenantId: tenant.id, queueId: tenant.queues[0].id });
	await pbx.insertNew({ id: 93_002, tenantId: tenant.id, queueId: tenant.queues[1].id });

	ids.admin = await stack.createUser({
		username: 'ss.admin',
		role: 'cc_admin',
		tenantId: tenant.id
	});
	for (const username of ['ss.moved', 'ss.disabled', 'ss.password']) {
		ids[username] = await stack.createUser({
			username,
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [tenant.queues[0].id]
		});
	}
	await stack.startServer();
	adminCookie = await stack.signIn('ss.admin');
});

afterAll(async () => {
	for (const socket of sockets) socket.close();
	await stack?.destroy();
	await dash?.end();
	await dashboardServer?.stop();
});

const sessionsOf = async (userId: number) => {
	const [rows] = await dash.query<mysql.RowDataPacket[]>(
		`SELECT COUNT(*) AS n FROM \`${stack.dashDb}\`.sessions WHERE user_id = ?`,
		[userId]
	);
	return Number(rows[0].n);
};

/** The account form as the Administrators page posts it. */
function accountForm(username: string, fields: Record<string, string | string[]> = {}) {
	return {
		id: String(ids[username] ?? ids.admin),
		username,
		displayName: username,
		role: 'cc_supervisor',
		tenantId: String(tenant.id),
		queueIds: [String(tenant.queues[0].id)],
		permissions: ['interactions'],
		...fields
	};
}

async function liveSocket(credentials: { cookie?: string; wallToken?: string }) {
	const socket = await openSocket(stack.url, credentials, sockets);
	const reply = await subscribe(socket, {});
	expect(reply.ok).toBe(true);
	return socket;
}

describe('admin actions reach open sockets without the binlog', () => {
	it('the dashboard really is on another server', async () => {
		const [[here]] = await stack.admin.query<mysql.RowDataPacket[]>(
			'SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
			[stack.dashDb]
		);
		expect(Number(here.n)).toBe(0);
		expect(await sessionsOf(ids.admin)).toBe(1);
	});

	it('a queue re-assignment resyncs the socket onto the new queue within seconds', async () => {
		const cookie = await stack.signIn('ss.moved', PASSWORD);
		const socket = await openSocket(stack.url, { cookie }, sockets);
		const first = await subscribe(socket, {});
		if (!first.ok || first.kind !== 'snapshot') throw new Error(JSON.stringify(first));
		expect(first.snapshot.rows.map((r) => r.id)).toEqual(['93001']);
		let resyncs = 0;
		socket.on('live:resync', () => resyncs++);
		const saved = await postAction(
			stack,
			'/admin?/saveUser',
			accountForm('ss.moved', { queueIds: [String(tenant.queues[1].id)] }),
			adminCookie
		);
		expect(saved.type).toBe('success');
		await waitFor(() => resyncs > 0, 5000, 'live:resync');
		const moved = await subscribe(socket, {});
		if (!moved.ok || moved.kind !== 'snapshot') throw new Error(JSON.stringify(moved));
		expect(moved.snapshot.rows.map((r) => r.id)).toEqual(['93002']);
	});

	it('disabling an account closes its socket', async () => {
		const cookie = await stack.signIn('ss.disabled', PASSWORD);
		const socket = await liveSocket({ cookie });
		const ended = whenEnded(socket);
		const saved = await postAction(
			stack,
			'/admin?/saveUser',
			accountForm('ss.disabled', { disabled: 'on' }),
			adminCookie
		);
		expect(saved.type).toBe('success');
		expect((await ended).disconnect).toBe('io server disconnect');
	});

	it('revoking a wall token closes its board', async () => {
		const minted = await postAction(
			stack,
			'/admin?/createWallToken',
			{ label: 'ss wall', tenantId: String(tenant.id) },
			adminCookie
		);
		const token = String(minted.data.wallToken);
		const socket = await liveSocket({ wallToken: token });
		const ended = whenEnded(socket);
		const [[row]] = await dash.query<mysql.RowDataPacket[]>(
			`SELECT id FROM \`${stack.dashDb}\`.wall_tokens WHERE label = 'ss wall'`
		);
		const revoked = await postAction(
			stack,
			'/admin?/revokeWallToken',
			{ id: String(row.id) },
			adminCookie
		);
		expect(revoked.type).toBe('success');
		expect((await ended).disconnect).toBe('io server disconnect');
	});

	it('signing out closes the sockets of that session', async () => {
		const cookie = await stack.signIn('ss.admin', PASSWORD);
		const socket = await liveSocket({ cookie });
		const ended = whenEnded(socket);
		await postAction(stack, '/logout', {}, cookie);
		expect((await ended).disconnect).toBe('io server disconnect');
	});
});

describe('a password change ends the other sessions', () => {
	it("an admin's change of a user's password ends every session of that user and its sockets", async () => {
		const cookies = [
			await stack.signIn('ss.password', PASSWORD),
			await stack.signIn('ss.password', PASSWORD)
		];
		const socket = await liveSocket({ cookie: cookies[0] });
		const ended = whenEnded(socket);
		expect(await sessionsOf(ids['ss.password'])).toBe(2);
		const saved = await postAction(
			stack,
			'/admin?/saveUser',
			accountForm('ss.password', { password: NEW_PASSWORD }),
			adminCookie
		);
		expect(saved.type).toBe('success');
		expect((await ended).disconnect).toBe('io server disconnect');
		expect(await sessionsOf(ids['ss.password'])).toBe(0);
		for (const cookie of cookies) {
			expect((await stack.get('/interactions', cookie)).status).toBe(303);
		}
		await stack.signIn('ss.password', NEW_PASSWORD);
	});

	it('changing one’s own password keeps the session doing it and ends the others', async () => {
		const other = await stack.signIn('ss.admin', PASSWORD);
		const otherSocket = await liveSocket({ cookie: other });
		const ownSocket = await liveSocket({ cookie: adminCookie });
		const ended = whenEnded(otherSocket);
		const saved = await postAction(
			stack,
			'/admin?/saveUser',
			{
				...accountForm('ss.admin', { password: NEW_PASSWORD }),
				role: 'cc_admin',
				queueIds: []
			},
			adminCookie
		);
		expect(saved.type).toBe('success');
		expect((await ended).disconnect).toBe('io server disconnect');
		expect((await stack.get('/interactions', other)).status).toBe(303);
		expect((await stack.get('/interactions', adminCookie)).status).toBe(200);
		expect(ownSocket.connected).toBe(true);
		expect(await sessionsOf(ids.admin)).toBe(1);
	});
});
