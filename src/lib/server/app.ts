import type { Server as HttpServer } from 'node:http';
import type { Pool } from 'mysql2/promise';
import { startAlerts, type Alerts } from './alerts';
import { createAlertChannels, deliveriesOutbox, type AlertChannels } from './alerts/channels';
import { Audit } from './audit';
import { RefusalAudit } from './audit/refusals';
import { Auth } from './auth';
import { Accounts } from './auth/accounts';
import { STANDARD_COST } from './auth/password';
import { Users } from './auth/users';
import { checkBinlogServer, checkPbxTables } from './binlog/preflight';
import { loadConfig, type Config } from './config';
import { createConnection, createPool } from './db';
import { migrate } from './dashboard/migrations';
import { createEventBus } from './events';
import { ExportSlots } from './export/slots';
import type { HistoryDeps } from './history';
import { startLive, type ClusterNode } from './cluster';
import type { LiveService } from './live';
import type { AccessChange } from './changelog';
import { createLogger, type Logger } from './log';
import { Lookups } from './lookups';
import { Metrics } from './metrics';
import { scrapeAccess, type ScrapeAccess } from './metrics/access';
import { createRealtime, type Realtime } from './realtime';
import { socketLabels } from './realtime/meter';
import { goalsOf } from './insight/goals';
import { RangeRollups } from './rollups';
import { NodeMonitor } from './status';

/**
 * The composition root: one App per process, shared by SvelteKit (hooks, routes) and the
 * Socket.IO server. It lives on globalThis because in production the custom server and the
 * bundled SvelteKit code are two module graphs, and in development Vite reloads modules.
 * Nothing under src/lib/server imports this file: each module names the few services it uses,
 * and routes get them from event.locals (see requestServices).
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
	/** Alert rules, the alerts of every tenant, and this node's evaluator (while it tails). */
	alerts: Alerts;
	/** This node's place among several (REDIS_URL set); null on a single node. */
	cluster: ClusterNode | null;
	audit: Audit;
	/** Scope refusals, audited once a minute per principal and kind, the rest counted. */
	refusals: RefusalAudit;
	auth: Auth;
	users: Users;
	/** Account, display-token and sign-out changes: each one written, audited and announced. */
	accounts: Accounts;
	/** History queries: the read replica when configured. */
	history: HistoryDeps;
	/** Exports streaming now, per user and in all (a cap, not a queue). */
	exports: ExportSlots;
	/** The range picture's 15-minute rollups, kept by the node that tails the binlog. */
	rollups: RangeRollups;
	realtime: Realtime | null;
	/** Prometheus metrics (/metrics), and who may scrape them. */
	metrics: Metrics;
	scrapeAccess: ScrapeAccess;
	/** This node's status (status page, /ready) and, with several nodes, everyone's. */
	monitor: NodeMonitor;
	/** Alert webhooks and email: the tenants' settings, and the outbox's sender (on the evaluating node). */
	alertChannels: AlertChannels;
	/**
	 * Someone's access changed by an admin action: ends this node's affected sockets (session
	 * ended, token revoked, disabled, password changed) or re-checks their viewers (queues
	 * re-assigned) before it resolves, and tells the other nodes, which do the same at once
	 * rather than when the dashboard binlog reaches them.
	 */
	accessChanged(change: AccessChange): Promise<void>;
	/** Attaches Socket.IO to the HTTP server serving the pages (once). */
	attach(httpServer: HttpServer): Realtime;
	stop(): Promise<void>;
}

/**
 * What request handlers use. The first handle in hooks.server.ts puts these on event.locals
 * (typed in src/app.d.ts), so routes reach no further than the services a request needs.
 */
export type RequestServices = Pick<App, (typeof REQUEST_SERVICES)[number]>;

const REQUEST_SERVICES = [
	'config',
	'log',
	'pbxPool',
	'dashboardPool',
	'lookups',
	'live',
	'alerts',
	'audit',
	'refusals',
	'auth',
	'users',
	'accounts',
	'history',
	'exports',
	'metrics',
	'scrapeAccess',
	'monitor',
	'alertChannels'
] as const satisfies readonly (keyof App)[];

export function requestServices(app: App): RequestServices {
	return Object.fromEntries(REQUEST_SERVICES.map((key) => [key, app[key]])) as RequestServices;
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
	const log = createLogger({ level: config.logLevel, format: config.logFormat });
	await checkDatabaseServer(config, log);
	const pools = await openPools(config, log);
	const metrics = new Metrics();
	const { audit, auth } = accessControl(config, pools.dashboardPool, metrics, log);
	const lookups = new Lookups();
	const events = createEventBus();
	const runtime = await startLive(config, pools.pbxPool, lookups, events, log);
	const live = runtime.live;
	const monitor = new NodeMonitor({
		nodeId: config.nodeId,
		binlogServerId: config.binlogServerId,
		live,
		cluster: runtime.cluster,
		board: runtime.statusBoard,
		pbxPool: pools.pbxPool,
		readyStreamDownMs: config.readyStreamDownMs,
		sockets: () => app.realtime?.io.of('/').sockets.size ?? 0,
		log: log.child('status')
	});
	const app = assembleApp({
		config,
		log,
		pools,
		metrics,
		audit,
		auth,
		lookups,
		events,
		runtime,
		monitor
	});
	metrics.observe({
		nodeId: config.nodeId,
		live,
		cluster: runtime.cluster,
		monitor,
		sockets: () => (app.realtime ? socketLabels(app.realtime.io) : [])
	});
	events.on('log.resync', () => metrics.resynced());
	app.rollups.start();
	await monitor.start();
	log.info('Interactions Live started', {
		pbx: `${config.pbx.host}:${config.pbx.port}/${config.pbx.database}`,
		tenants: lookups.tenants.size,
		liveRows: live.state.size
	});
	return app;
}

interface AppParts {
	config: Config;
	log: Logger;
	pools: Awaited<ReturnType<typeof openPools>>;
	metrics: Metrics;
	audit: Audit;
	auth: Auth;
	lookups: Lookups;
	events: ReturnType<typeof createEventBus>;
	runtime: Awaited<ReturnType<typeof startLive>>;
	monitor: NodeMonitor;
}

/** The app from its parts: a table of its services, and what it does (attach, announce, stop). */
function assembleApp(parts: AppParts): App {
	const { config, log, pools, metrics, audit, auth, lookups, events, runtime, monitor } = parts;
	const live = runtime.live;
	const users = new Users(pools.dashboardPool, lookups, config.passwordCost);
	const refusals = new RefusalAudit(audit);
	const alertChannels = createAlertChannels(
		config.alertChannels,
		pools.dashboardPool,
		log.child('alert-channels')
	);
	const alerts = startAlerts({
		pool: pools.dashboardPool,
		live,
		lookups,
		events,
		log: log.child('alerts'),
		nodeId: config.nodeId,
		outbox: deliveriesOutbox(lookups),
		workers: [alertChannels.worker]
	});
	// An alert row committed (heard from the dashboard binlog): its deliveries are due now.
	events.on('alert.changed', () => alertChannels.worker.wake());
	const app: App = {
		config,
		log,
		...pools,
		lookups,
		live,
		alerts,
		cluster: runtime.cluster,
		audit,
		refusals,
		auth,
		users,
		accounts: new Accounts({
			users,
			wallTokens: auth.wallTokens,
			sessions: auth.sessions,
			audit,
			announce: (change) => app.accessChanged(change)
		}),
		history: {
			pool: pools.historyPool,
			database: config.history.database,
			lookups,
			recordingsRoot: config.recordingsRoot,
			timeoutSeconds: config.historyQueryTimeoutSeconds
		},
		exports: new ExportSlots(config.exportLimits),
		rollups: new RangeRollups({
			deps: {
				primary: {
					pool: pools.pbxPool,
					database: config.pbx.database,
					timeoutSeconds: config.historyQueryTimeoutSeconds
				},
				history: {
					pool: pools.historyPool,
					database: config.history.database,
					timeoutSeconds: config.historyQueryTimeoutSeconds
				},
				dashboard: pools.dashboardPool
			},
			events,
			tenants: () => [...lookups.tenants.values()],
			goals: (tenantId) => goalsOf(pools.dashboardPool, tenantId),
			// One node recomputes: the only one, or the leader (followers keep what they hear).
			maintains: () => runtime.cluster === null || runtime.cluster.role === 'leader',
			log: log.child('rollups')
		}),
		realtime: null,
		metrics,
		scrapeAccess: scrapeAccess(config.metrics),
		monitor,
		alertChannels,
		attach(httpServer) {
			app.realtime ??= createRealtime(httpServer, {
				...realtimeSettings(config),
				live,
				isCurrent: runtime.isCurrent,
				events,
				lookups,
				log: log.child('realtime'),
				authenticate: (headers, handshakeAuth) => auth.viewerFrom(headers, handshakeAuth),
				refusals,
				touchSessions: (ids) => auth.sessions.touch(ids),
				meter: metrics,
				alerts: alerts.store,
				audit
			});
			return app.realtime;
		},
		// This node's sockets first, then the other nodes (see Priority): the caller waits for both.
		accessChanged: (change) => events.emit('access.changed', change, 'action'),
		async stop() {
			await monitor.stop();
			await app.rollups.stop();
			await app.realtime?.close();
			await alerts.stop();
			await runtime.stop();
			await app.alertChannels.close();
			await refusals.close();
			await Promise.all([...new Set(Object.values(pools))].map((pool) => pool.end()));
		}
	};
	return app;
}

/** Refuses to start against a server without a usable binlog or without the PBX's tables. */
async function checkDatabaseServer(config: Config, log: Logger): Promise<void> {
	const check = await createConnection(config.binlog);
	try {
		await checkBinlogServer(check, config.binlog.user);
		await checkPbxTables(check, config.pbx.database, log);
	} finally {
		await check.end();
	}
}

/** The three pools (history shares the PBX's unless a replica is set), the dashboard migrated. */
async function openPools(config: Config, log: Logger) {
	const pbxPool = createPool(config.pbx);
	const historyPool = config.history === config.pbx ? pbxPool : createPool(config.history);
	const dashboardPool = createPool(config.dashboard);
	await migrate(dashboardPool, log.child('migrate'));
	return { pbxPool, historyPool, dashboardPool };
}

/** The audit trail and sign-in (sessions, wall tokens, throttling). */
function accessControl(config: Config, dashboardPool: Pool, metrics: Metrics, log: Logger) {
	const audit = new Audit(dashboardPool, log.child('audit'), (entry) => metrics.audited(entry));
	const auth = new Auth(
		dashboardPool,
		audit,
		{ idleMs: config.sessionIdleMs, absoluteMs: config.sessionMaxMs },
		config.passwordCost
	);
	if (config.passwordCost.N < STANDARD_COST.N) {
		log.warn('PASSWORD_HASHING=fast-insecure-for-tests: password hashes are weak; tests only');
	}
	return { audit, auth };
}

/** What the socket server takes from the configuration. */
function realtimeSettings(config: Config) {
	return {
		allowedOrigin: config.origin,
		sessionSweepMs: config.sessionSweepMs,
		limits: config.socketLimits,
		clientAddress: config.clientAddress
	};
}
