import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mysql from 'mysql2/promise';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { applyPbxSchema } from '../../scripts/lib/schema';
import { seedLookups, type DemoLookups } from '../../scripts/lib/demo-data';
import { upsertAccount, withUsers } from '../../scripts/lib/accounts';
import { freePort } from '../../scripts/lib/ports';
import type { UserInput } from '../../src/lib/server/auth/users';
import { createApp, type App } from '../../src/lib/server/app';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/realtime';

/**
 * A whole server for one test file against the real MariaDB of the run: its own pbxlogs and
 * dashboard databases, an app account with exactly the production grants, seeded lookups, the
 * app on an ephemeral port, and helpers to write PBX rows and open authenticated sockets.
 */

export interface StackOptions {
	mariadbPort: number;
	env?: Record<string, string>;
	contactsPerTenant?: number;
}

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export class Stack {
	app!: App;
	server!: Server;
	url = '';
	lookups!: DemoLookups;
	readonly pbxDb: string;
	readonly dashDb: string;
	readonly appUser: string;
	readonly admin: mysql.Pool;
	/** The server's environment for this stack (set by prepare). */
	env: Record<string, string> = {};
	#sockets: LiveClient[] = [];

	constructor(private readonly options: StackOptions) {
		const tag = randomBytes(4).toString('hex');
		this.pbxDb = `pbx_${tag}`;
		this.dashDb = `dash_${tag}`;
		this.appUser = `app_${tag}`;
		this.admin = mysql.createPool({
			host: '127.0.0.1',
			port: options.mariadbPort,
			user: 'il_test',
			password: 'il_test',
			timezone: 'Z',
			dateStrings: true,
			supportBigNumbers: true,
			bigNumberStrings: true,
			multipleStatements: true,
			connectionLimit: 8
		});
	}

	async prepare(): Promise<this> {
		const conn = await this.admin.getConnection();
		try {
			await applyPbxSchema(conn, this.pbxDb);
			await conn.query(`CREATE DATABASE IF NOT EXISTS \`${this.dashDb}\``);
			const account = `'${this.appUser}'@'127.0.0.1'`;
			await conn.query(
				`CREATE USER ${account} IDENTIFIED BY 'secret';
				 GRANT SELECT ON \`${this.pbxDb}\`.* TO ${account};
				 GRANT ALL PRIVILEGES ON \`${this.dashDb}\`.* TO ${account};
				 GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${account};`
			);
		} finally {
			conn.release();
		}
		this.lookups = await seedLookups(this.admin, this.pbxDb, {
			contactsPerTenant: this.options.contactsPerTenant ?? 40
		});
		const base = `mysql://${this.appUser}:secret@127.0.0.1:${this.options.mariadbPort}`;
		this.env = {
			PBX_DATABASE_URL: `${base}/${this.pbxDb}`,
			DASHBOARD_DATABASE_URL: `${base}/${this.dashDb}`,
			BINLOG_SERVER_ID: String(1000 + Math.floor(Math.random() * 1_000_000)),
			BINLOG_HEARTBEAT_MS: '1000',
			LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
			RECORDINGS_ROOT: '/tmp/il-test-recordings',
			...this.options.env
		};
		return this;
	}

	async start(): Promise<this> {
		this.app = await createApp(this.env);
		this.server = createServer((_req, res) => res.writeHead(404).end());
		this.app.attach(this.server);
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	#server: ChildProcess | null = null;

	/** The pid of the server started by startServer, e.g. to read its memory from /proc. */
	get serverPid(): number | undefined {
		return this.#server?.pid;
	}

	/**
	 * Starts the production server (build/ + server.ts) in its own process, for tests of the
	 * HTTP routes: pages, form actions, API. Needs `vite build` first (npm test does it).
	 */
	async startServer(options: { output?: string[] } = {}): Promise<this> {
		if (!existsSync('build/handler.js')) throw new Error('Run `npx vite build` first');
		const port = await freePort();
		this.url = `http://127.0.0.1:${port}`;
		const output = options.output;
		this.#server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
			env: { ...process.env, ...this.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: this.url },
			// `output` collects everything the server writes (a test reads its log lines).
			stdio: ['ignore', output ? 'pipe' : 'ignore', output ? 'pipe' : 'inherit']
		});
		if (output) {
			this.#server.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
			this.#server.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		}
		await waitFor(
			() =>
				fetch(`${this.url}/health`).then(
					(r) => r.ok,
					() => false
				),
			30_000,
			'the server to start'
		);
		return this;
	}

	async stopServer(): Promise<void> {
		const server = this.#server;
		this.#server = null;
		if (!server || server.exitCode !== null) return;
		server.kill('SIGTERM');
		await new Promise((resolve) => server.once('exit', resolve));
	}

	/** Creates (or updates) an account through the same code as `npm run user`. */
	async createUser(
		input: Partial<UserInput> & Pick<UserInput, 'username' | 'role'>
	): Promise<number> {
		const record = await withUsers(this.env, (users) =>
			upsertAccount(users, {
				displayName: input.username,
				tenantId: null,
				queueIds: [],
				permissions: ['interactions'],
				password: 'correct horse battery',
				...input
			})
		);
		return record.id;
	}

	/** Signs in through the real login form; returns the session Cookie header. */
	async signIn(username: string, password = 'correct horse battery'): Promise<string> {
		const response = await this.post('/login', { username, password });
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('il_session='));
		if (!cookie) throw new Error(`sign-in of ${username} failed: ${response.status}`);
		return cookie.split(';')[0];
	}

	/** A same-origin form POST, as a browser sends it (SvelteKit checks the Origin). */
	post(path: string, form: Record<string, string | string[]>, cookie = ''): Promise<Response> {
		return fetch(this.url + path, {
			method: 'POST',
			body: formBody(form),
			redirect: 'manual',
			headers: { origin: this.url, cookie, 'content-type': 'application/x-www-form-urlencoded' }
		});
	}

	get(path: string, cookie = ''): Promise<Response> {
		return fetch(this.url + path, { redirect: 'manual', headers: { cookie } });
	}

	/** Stops the app (and its sockets); the databases stay for a restart. */
	async stopApp(): Promise<void> {
		for (const socket of this.#sockets) socket.disconnect();
		this.#sockets = [];
		await this.app?.stop();
	}

	async destroy(): Promise<void> {
		await this.stopServer();
		await this.stopApp();
		await this.admin.query(
			`DROP DATABASE IF EXISTS \`${this.pbxDb}\`; DROP DATABASE IF EXISTS \`${this.dashDb}\`;
			 DROP USER IF EXISTS '${this.appUser}'@'127.0.0.1';`
		);
		await this.admin.end();
	}

	/** Creates a user and a session for it; returns the Cookie header to send. */
	async signedInAs(input: {
		role: 'platform_admin' | 'cc_admin' | 'cc_supervisor';
		tenantId?: number | null;
		queueIds?: number[];
		username?: string;
	}): Promise<{ userId: number; cookie: string }> {
		const username = input.username ?? `${input.role}-${randomBytes(3).toString('hex')}`;
		const userId = await this.app.users.create({
			username,
			displayName: username,
			role: input.role,
			tenantId: input.tenantId ?? null,
			queueIds: input.queueIds ?? [],
			permissions: ['interactions'],
			password: 'correct horse battery'
		});
		const token = await this.app.auth.sessions.create(userId, '127.0.0.1', 'test');
		return { userId, cookie: `il_session=${token}` };
	}

	socket(cookie: string, auth: Record<string, string> = {}): LiveClient {
		const socket: LiveClient = connectSocket(this.url, {
			transports: ['websocket'],
			extraHeaders: { cookie },
			auth,
			forceNew: true,
			reconnectionDelay: 100,
			reconnectionDelayMax: 500
		});
		this.#sockets.push(socket);
		return socket;
	}

	/** Runs SQL against the stack's pbxlogs database as the PBX would. */
	async pbx(sql: string, params: unknown[] = []): Promise<void> {
		const conn = await this.admin.getConnection();
		try {
			await conn.query(`USE \`${this.pbxDb}\``);
			await conn.query(sql, params);
		} finally {
			conn.release();
		}
	}

	async pbxRows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		const conn = await this.admin.getConnection();
		try {
			await conn.query(`USE \`${this.pbxDb}\``);
			const [rows] = await conn.query(sql, params);
			return rows as T[];
		} finally {
			conn.release();
		}
	}
}

/** A form as a browser encodes it; a list value repeats its key (checkbox groups). */
export function formBody(form: Record<string, string | string[]>): URLSearchParams {
	const body = new URLSearchParams();
	for (const [key, value] of Object.entries(form)) {
		for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
	}
	return body;
}

export async function waitFor(
	check: () => boolean | Promise<boolean>,
	timeoutMs = 10_000,
	what = 'condition'
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
