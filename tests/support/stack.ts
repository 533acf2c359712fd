import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { AppServer, signIn } from '../../scripts/lib/app-server';
import {
	Sandbox,
	SANDBOX_PASSWORD,
	type SandboxOptions,
	type SandboxUser
} from '../../scripts/lib/sandbox';
import { createApp, type App } from '../../src/lib/server/app';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/realtime';

/**
 * A whole server for one test file against the real MariaDB of the run: a Sandbox (own pbxlogs
 * and dashboard databases, the app account with exactly the production grants, seeded lookups),
 * the app on an ephemeral port, in this process or as the production server, and helpers to
 * sign in, post forms and open authenticated sockets.
 */

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export class Stack extends Sandbox {
	app!: App;
	server!: Server;
	url = '';
	#sockets: LiveClient[] = [];
	#server: AppServer | null = null;

	constructor(options: SandboxOptions) {
		super({
			...options,
			env: {
				// Hundreds of sign-ins per run: at the standard scrypt cost (½ s each) that is
				// minutes. tests/security/sign-in.test.ts runs at the standard cost.
				PASSWORD_HASHING: 'fast-insecure-for-tests',
				...options.env
			}
		});
	}

	async start(): Promise<this> {
		this.app = await createApp(this.env);
		this.server = createServer((_req, res) => res.writeHead(404).end());
		this.app.attach(this.server);
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	/**
	 * Purges the binlog file the app's checkpoint is in, so its tailer cannot resume there.
	 * MariaDB keeps a binlog until InnoDB has checkpointed it: flush and retry the purge.
	 */
	async purgeCheckpointBinlog(): Promise<void> {
		const checkpointFile = (await this.app.live.changeLog.checkpoint())?.filename;
		await waitFor(
			async () => {
				await this.pbx('FLUSH BINARY LOGS');
				const [{ File: current }] = await this.pbxRows<{ File: string }>('SHOW MASTER STATUS');
				await this.pbx(`PURGE BINARY LOGS TO '${current}'`);
				const logs = await this.pbxRows<{ Log_name: string }>('SHOW BINARY LOGS');
				return !logs.some((log) => log.Log_name === checkpointFile);
			},
			15_000,
			'the purge'
		);
	}

	/** The pid of the server started by startServer, e.g. to read its memory from /proc. */
	get serverPid(): number | undefined {
		return this.#server?.pid;
	}

	/**
	 * Starts the production server (build/server.js) in its own process, for tests of the
	 * HTTP routes: pages, form actions, API. Needs `npm run build` first (npm test does it).
	 * `env` overrides the server's environment (e.g. another ORIGIN).
	 */
	async startServer(
		options: { env?: Record<string, string>; output?: string[] } = {}
	): Promise<this> {
		const { output } = options;
		const server = new AppServer({
			env: this.env,
			// `output` collects everything the server writes (a test reads its log lines); until
			// it is read, the pipe holds what the server wrote while starting.
			stdio: ['ignore', output ? 'pipe' : 'ignore', output ? 'pipe' : 'inherit']
		});
		this.#server = await server.start(options.env);
		this.url = server.url;
		if (output) {
			server.process?.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
			server.process?.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		}
		return this;
	}

	async stopServer(): Promise<void> {
		const server = this.#server;
		this.#server = null;
		await server?.stop();
	}

	/** Creates (or updates) an account through the same code as `npm run user`. */
	async createUser(input: SandboxUser): Promise<number> {
		const [id] = await this.createUsers([input]);
		return id;
	}

	/** Signs in through the real login form; returns the session Cookie header. */
	signIn(username: string, password = SANDBOX_PASSWORD): Promise<string> {
		return signIn(this.url, username, password);
	}

	/** A same-origin form POST, as a browser sends it (SvelteKit checks the Origin). */
	post(
		path: string,
		form: Record<string, string | string[]>,
		cookie = '',
		headers: Record<string, string> = {}
	): Promise<Response> {
		return fetch(this.url + path, {
			method: 'POST',
			body: formBody(form),
			redirect: 'manual',
			headers: {
				origin: this.url,
				cookie,
				'content-type': 'application/x-www-form-urlencoded',
				...headers
			}
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
		await super.destroy();
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
			password: SANDBOX_PASSWORD
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
