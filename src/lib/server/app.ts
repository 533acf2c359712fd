import type { Server as HttpServer } from 'node:http';
import type { Pool } from 'mysql2/promise';
import { Audit } from './audit';
import { Auth } from './auth';
import { STANDARD_COST } from './auth/password';
import { Users } from './auth/users';
import { checkBinlogServer, checkPbxTables } from './binlog/preflight';
import { MemoryChangeLog } from './changelog';
import { loadConfig, type Config } from './config';
import { createConnection, createPool } from './db';
import { migrate } from './dashboard/migrations';
import { ExportSlots } from './export/slots';
import type { HistoryDeps } from './history';
import { LiveService } from './live';
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
	audit: Audit;
	auth: Auth;
	users: Users;
	/** History queries: the read replica when configured. */
	history: HistoryDeps;
	/** Exports streaming now, per user and in all (a cap, not a queue). */
	exports: ExportSlots;
	realtime: Realtime | null;
	/**
	 * Applies a change of who may see what to the open sockets: ends them (session ended, token
	 * revoked, disabled, password changed) or re-checks their viewers (queues re-assigned). Admin
	 * actions call it directly, as does the dashboard binlog: revocation does not depend on
	 * where the dashboard database lives, and one place decides how a change reaches sockets.
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
	const auth = new Auth(
		dashboardPool,
		audit,
		{ idleMs: config.sessionIdleMs, absoluteMs: config.sessionMaxMs },
		config.passwordCost
	);
	if (config.passwordCost.N < STANDARD_COST.N) {
		log.warn('PASSWORD_HASHING=fast-insecure-for-tests: password hashes are weak; tests only');
	}
	const lookups = new Lookups();
	const live = new LiveService(
		config,
		pbxPool,
		new MemoryChangeLog(config.liveReplayLimit),
		lookups,
		log.child('live')
	);
	await live.start();

	const app: App = {
		config,
		log,
		pbxPool,
		historyPool,
		dashboardPool,
		lookups,
		live,
		audit,
		auth,
		users: new Users(dashboardPool, lookups, config.passwordCost),
		history: {
			pool: historyPool,
			database: config.history.database,
			lookups,
			recordingsRoot: config.recordingsRoot,
			timeoutSeconds: config.historyQueryTimeoutSeconds
		},
		exports: new ExportSlots(config.exportLimits),
		realtime: null,
		attach(httpServer) {
			app.realtime ??= createRealtime(httpServer, {
				live,
				lookups,
				log: log.child('realtime'),
				authenticate: (headers, handshakeAuth) => auth.viewerFrom(headers, handshakeAuth),
				auditRefusal: (viewer, detail) =>
					void audit.record({ action: 'scope_refused', viewer, detail }),
				touchSessions: (ids) => auth.sessions.touch(ids),
				allowedOrigin: config.origin,
				sessionSweepMs: config.sessionSweepMs
			});
			return app.realtime;
		},
		async accessChanged(change) {
			const realtime = app.realtime;
			if (!realtime) return;
			if (change.kind === 'session-ended') {
				await realtime.endSessions(
					(v) => v.kind === 'user' && v.sessionId === change.sessionId,
					'Signed out'
				);
			} else if (change.kind === 'user') {
				await realtime.refreshViewers((v) => v.kind === 'user' && v.userId === change.userId);
			} else {
				await realtime.refreshViewers((v) => v.kind === 'wall' && v.tokenId === change.tokenId);
			}
		},
		async stop() {
			await app.realtime?.close();
			await live.stop();
			await Promise.all(
				[...new Set([pbxPool, historyPool, dashboardPool])].map((pool) => pool.end())
			);
		}
	};
	live.onAccessChange((change) => {
		app.accessChanged(change).catch((error: unknown) => {
			log.error('could not apply an access change', { error });
		});
	});
	log.info('Interactions Live started', {
		pbx: `${config.pbx.host}:${config.pbx.port}/${config.pbx.database}`,
		tenants: lookups.tenants.size,
		liveRows: live.state.size
	});
	return app;
}
