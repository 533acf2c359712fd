import type { Server as HttpServer } from 'node:http';
import type { Pool } from 'mysql2/promise';
import { Audit } from './audit';
import { Auth } from './auth';
import { Users } from './auth/users';
import { checkBinlogServer, checkPbxTables } from './binlog/preflight';
import { loadConfig, type Config } from './config';
import { createConnection, createPool } from './db';
import { migrate } from './dashboard/migrations';
import type { HistoryDeps } from './history';
import { startLive, type ClusterNode } from './cluster';
import type { LiveService } from './live';
import type { AccessChange } from './live/access';
import { createLogger, type Logger } from './log';
import { Lookups } from './lookups';
import { createRealtime, type Realtime } from './realtime';

/**
 * The composition root: one App per process, shared by SvelteKit (hooks, routes) and the
 * Socket.IO server. It lives on globalThis because in production the custom server and the
 * bundled SvelteKit code are two module graphs, and in development Vite reloads modules.
 */

export interface App {
	config: Config;
	log: Logger;
	pbxPool: Pool;
	historyPool: Pool;
	dashboardPool: Pool;
	/** Tenants, queues, agents, dispositions and CRM names: loaded with the snapshot, kept current by the tailer. */
	lookups: Lookups;
	live: LiveService;
	/** This node's place among several (REDIS_URL set); null on a single node. */
	cluster: ClusterNode | null;
	audit: Audit;
	auth: Auth;
	users: Users;
	/** History queries: the read replica when configured. */
	history: HistoryDeps;
	realtime: Realtime | null;
	/**
	 * Someone's access changed by an admin action: every node ends or narrows the affected open
	 * sockets now, not only once the dashboard binlog says so.
	 */
	accessChanged(change: AccessChange): Promise<void>;
	/** Attaches Socket.IO to the HTTP server serving the pages (once). */
	attach(httpServer: HttpServer): Realtime;
	stop(): Promise<void>;
}

const GLOBAL_KEY = Symbol.for('interactions-live.app');
type Registry = { [GLOBAL_KEY]?: Promise<App> };

export function startApp(env: Record<string, string | undefined> = process.env): Promise<App> {
	const registry = globalThis as Registry;
	registry[GLOBAL_KEY] ??= createApp(env).catch((error: unknown) => {
		delete registry[GLOBAL_KEY];
		throw error;
	});
	return registry[GLOBAL_KEY];
}

export function getApp(): Promise<App> {
	const app = (globalThis as Registry)[GLOBAL_KEY];
	if (!app) throw new Error('The app was not started');
	return app;
}

export async function createApp(env: Record<string, string | undefined>): Promise<App> {
	const config = loadConfig(env);
	const log = createLogger(config.logLevel);
	const check = await createConnection(config.binlog);
	try {
		await checkBinlogServer(check, config.binlog.user);
		await checkPbxTables(check, config.pbx.database, log);
	} finally {
		await check.end();
	}
	const pbxPool = createPool(config.pbx);
	const historyPool = config.history === config.pbx ? pbxPool : createPool(config.history);
	const dashboardPool = createPool(config.dashboard);
	await migrate(dashboardPool, log.child('migrate'));

	const audit = new Audit(dashboardPool, log.child('audit'));
	const auth = new Auth(dashboardPool, audit, {
		idleMs: config.sessionIdleMs,
		absoluteMs: config.sessionMaxMs
	});
	const lookups = new Lookups();
	const runtime = await startLive(config, pbxPool, lookups, log);
	const live = runtime.live;

	const app: App = {
		config,
		log,
		pbxPool,
		historyPool,
		dashboardPool,
		lookups,
		live,
		cluster: runtime.cluster,
		audit,
		auth,
		users: new Users(dashboardPool, lookups),
		history: {
			pool: historyPool,
			database: config.history.database,
			lookups,
			recordingsRoot: config.recordingsRoot
		},
		realtime: null,
		accessChanged: (change) => runtime.publishAccess(change),
		attach(httpServer) {
			app.realtime ??= createRealtime(httpServer, {
				live,
				lookups,
				log: log.child('realtime'),
				authenticate: (headers, handshakeAuth) => auth.viewerFrom(headers, handshakeAuth),
				auditRefusal: (viewer, detail) =>
					void audit.record({ action: 'scope_refused', viewer, detail }),
				touchSessions: (ids) => auth.sessions.touch(ids),
				allowedOrigin: config.origin
			});
			const realtime = app.realtime;
			live.onAccessChange((change) => {
				const done =
					change.kind === 'user'
						? realtime.refreshViewers((v) => v.kind === 'user' && v.userId === change.userId)
						: change.kind === 'wall-token'
							? realtime.refreshViewers((v) => v.kind === 'wall' && v.tokenId === change.tokenId)
							: realtime.endSessions(
									(v) => v.kind === 'user' && v.sessionId === change.sessionId,
									'Signed out'
								);
				done.catch((error: unknown) => log.error('could not apply an access change', { error }));
			});
			return realtime;
		},
		async stop() {
			await app.realtime?.close();
			await runtime.stop();
			await Promise.all(
				[...new Set([pbxPool, historyPool, dashboardPool])].map((pool) => pool.end())
			);
		}
	};
	log.info('Interactions Live started', {
		pbx: `${config.pbx.host}:${config.pbx.port}/${config.pbx.database}`,
		tenants: lookups.tenants.size,
		liveRows: live.state.size
	});
	return app;
}
