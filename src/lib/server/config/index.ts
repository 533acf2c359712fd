import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { STANDARD_COST, TEST_ONLY_COST, type ScryptCost } from '../auth/password';

/**
 * The one config loader: every environment variable the server reads is declared here, validated
 * at startup, and a bad value stops the server with a message naming the variable.
 */

// URLs carry passwords: messages name the variable, never echo the value (valibot's default does).
const NOT_A_URL = 'must be a URL (scheme://user:password@host:port/…)';
const mysqlUrl = v.pipe(
	v.string(),
	v.url(NOT_A_URL),
	v.check((url) => url.startsWith('mysql://'), 'must be a mysql:// URL')
);
const integer = (min: number, max: number, fallback: number) =>
	v.optional(
		v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(min), v.maxValue(max)),
		String(fallback)
	);

/**
 * An export whose client takes nothing for this long is ended and its slot freed: four clients
 * that read a chunk and stopped held every slot of the node, and everyone else got 429 (issue 21).
 */
const EXPORT_STALL_SECONDS = 30;

const EnvSchema = v.object({
	PBX_DATABASE_URL: mysqlUrl,
	BINLOG_DATABASE_URL: v.optional(mysqlUrl),
	HISTORY_DATABASE_URL: v.optional(mysqlUrl),
	DASHBOARD_DATABASE_URL: mysqlUrl,
	BINLOG_SERVER_ID: integer(2, 4294967295, 4201),
	BINLOG_HEARTBEAT_MS: integer(500, 600000, 5000),
	LIVE_REPLAY_LIMIT: integer(1000, 10000000, 20000),
	SESSION_IDLE_MINUTES: integer(1, 10080, 480),
	SESSION_MAX_HOURS: integer(1, 8760, 168),
	SESSION_SWEEP_MS: integer(100, 600000, 30000),
	HISTORY_QUERY_TIMEOUT_SECONDS: integer(1, 3600, 30),
	EXPORT_MAX_PER_USER: integer(1, 50, 2),
	EXPORT_MAX_TOTAL: integer(1, 500, 4),
	SOCKETS_PER_SESSION: integer(1, 10000, 8),
	SOCKETS_PER_WALL_TOKEN: integer(1, 10000, 3),
	SOCKET_HANDSHAKES_PER_MINUTE: integer(1, 1000000, 300),
	// adapter-node's own: which header names the client's address behind a proxy.
	ADDRESS_HEADER: v.optional(v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/), v.toLowerCase())),
	XFF_DEPTH: integer(1, 20, 1),
	EXPORT_STALL_SECONDS: integer(1, 3600, EXPORT_STALL_SECONDS),
	RECORDINGS_ROOT: v.optional(v.string(), './recordings'),
	ORIGIN: v.optional(v.pipe(v.string(), v.url())),
	REDIS_URL: v.optional(
		v.pipe(
			v.string(),
			v.url(NOT_A_URL),
			v.check((url) => /^rediss?:\/\//.test(url), 'must be a redis:// or rediss:// URL')
		)
	),
	REDIS_SENTINELS: v.optional(
		v.pipe(
			v.string(),
			v.transform((list) => list.split(',').map((entry) => entry.trim())),
			v.check(
				(entries) => entries.every((entry) => parseHostPort(entry) !== null),
				'must be a comma-separated list of host:port (sentinel-1:26379,sentinel-2:26379)'
			)
		)
	),
	REDIS_MASTER_NAME: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,64}$/)), 'mymaster'),
	// Never echoed back in an error message: they are secrets.
	REDIS_PASSWORD: v.optional(v.string()),
	REDIS_SENTINEL_PASSWORD: v.optional(v.string()),
	REDIS_STANDALONE_AFTER_MS: integer(0, 600000, 2000),
	REDIS_PREFIX: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,32}$/)), 'il'),
	NODE_ID: v.optional(v.pipe(v.string(), v.regex(/^[\w.:-]{1,64}$/))),
	LEADER_LEASE_MS: integer(1000, 60000, 3000),
	LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error']), 'info'),
	LOG_FORMAT: v.optional(v.picklist(['text', 'json']), 'text'),
	// Never echoed back in an error message: it is a secret.
	METRICS_TOKEN: v.optional(
		v.pipe(
			v.string(),
			v.check(
				(token) => /^[\x21-\x7e]{16,256}$/.test(token),
				'must be 16–256 printable characters without spaces'
			)
		)
	),
	METRICS_ALLOW: v.optional(
		v.pipe(
			v.string(),
			v.transform((list) => list.split(',').map((entry) => entry.trim())),
			v.check(
				(entries) => entries.every(isAddressOrSubnet),
				'must be a comma-separated list of IP addresses or subnets (10.0.0.5, 10.1.0.0/16)'
			)
		)
	),
	READY_STREAM_DOWN_MS: integer(0, 600000, 10000),
	PASSWORD_HASHING: v.optional(v.picklist(['standard', 'fast-insecure-for-tests']), 'standard'),
	// Alert channels (issue 23). The URL carries a password: never echoed back.
	SMTP_URL: v.optional(
		v.pipe(
			v.string(),
			v.url(NOT_A_URL),
			v.check((url) => /^smtps?:\/\//.test(url), 'must be an smtp:// or smtps:// URL')
		)
	),
	SMTP_FROM: v.optional(
		v.pipe(v.string(), v.maxLength(254)),
		'Interactions Live <alerts@localhost>'
	),
	WEBHOOK_ALLOW_PRIVATE: v.optional(v.picklist(['true', 'false', '1', '0']), 'false'),
	ALERT_DELIVERY_TIMEOUT_MS: integer(200, 30000, 5000),
	ALERT_DELIVERY_RETRY_MINUTES: integer(1, 1440, 60)
});

/** `host:port` (a name, an IPv4 address, or `[IPv6]`); null when it is not one. */
function parseHostPort(entry: string): { host: string; port: number } | null {
	const match = /^(\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d{1,5})$/.exec(entry);
	const port = Number(match?.[2]);
	if (!match || port < 1 || port > 65535) return null;
	return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/** `10.0.0.5`, `10.1.0.0/16`, `fd00::/8`: what METRICS_ALLOW may list. */
function isAddressOrSubnet(entry: string): boolean {
	const [address, prefix, extra] = entry.split('/');
	const family = isIP(address);
	if (family === 0 || extra !== undefined) return false;
	if (prefix === undefined) return true;
	return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export interface SocketLimits {
	perSession: number;
	perWallToken: number;
	/** Per client address; a bucket of this size that refills over a minute. */
	handshakesPerMinute: number;
}

export interface ClientAddressRule {
	/** Lower case; unset = the TCP peer's address. */
	header: string | undefined;
	/** With x-forwarded-for: which entry from the right is the client (the proxies we trust). */
	xffDepth: number;
}

export interface DatabaseTarget {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
}

export interface Config {
	pbx: DatabaseTarget;
	binlog: DatabaseTarget;
	history: DatabaseTarget;
	dashboard: DatabaseTarget;
	binlogServerId: number;
	binlogHeartbeatMs: number;
	liveReplayLimit: number;
	sessionIdleMs: number;
	sessionMaxMs: number;
	/** How often open sockets are checked against their session's absolute expiry. */
	sessionSweepMs: number;
	/** History, count and export statements past this are stopped (max_statement_time). */
	historyQueryTimeoutSeconds: number;
	/** Open sockets per sign-in and per wall token, and handshakes per client address. */
	socketLimits: SocketLimits;
	/** How the client's address is read behind a proxy (adapter-node's ADDRESS_HEADER, XFF_DEPTH). */
	clientAddress: ClientAddressRule;
	/** Exports streaming at once (per user, and on this node in all); how long one may stall. */
	exportLimits: { perUser: number; total: number; stallMs: number };
	recordingsRoot: string;
	/** The public origin (adapter-node's ORIGIN); sockets from other origins are refused. */
	origin: string | undefined;
	/**
	 * Several nodes share this Redis; unset (and no Sentinels) = one process, nothing but MariaDB.
	 */
	redisUrl: string | undefined;
	/** Several nodes share the Redis these Sentinels name as the primary of `masterName`. */
	redisSentinel: RedisSentinelTarget | undefined;
	/**
	 * With several nodes: how long Redis may be unreachable before each node tails the binlog on
	 * its own (standalone); 0 = never (screens turn stale instead).
	 */
	redisStandaloneAfterMs: number;
	/** Key prefix, so several clusters can share one Redis. */
	redisPrefix: string;
	/** This node's name in the lease and in logs. */
	nodeId: string;
	/** How long the binlog leader's lease lasts without renewal: the longest failover wait. */
	leaderLeaseMs: number;
	logLevel: 'debug' | 'info' | 'warn' | 'error';
	/** scrypt cost of new password hashes (and the cost older ones are raised to). */
	passwordCost: ScryptCost;
	/** `json`: one JSON object per line, for log collectors. */
	logFormat: 'text' | 'json';
	/** Who may scrape /metrics: a bearer token and/or client addresses; neither = nobody. */
	metrics: { token: string | undefined; allow: string[] };
	/** /ready fails once this node's live stream has been down this long. */
	readyStreamDownMs: number;
	/** Where alerts go besides screens: tenants' webhooks, and email when SMTP is set. */
	alertChannels: AlertChannelSettings;
}

export interface AlertChannelSettings {
	/** Unset: alert emails are not sent (the admin page says so). */
	smtpUrl: string | undefined;
	smtpFrom: string;
	/** Operators only: lets webhooks reach loopback, private, link-local and metadata addresses. */
	webhookAllowPrivate: boolean;
	/** One webhook request or one SMTP conversation stops after this. */
	timeoutMs: number;
	/** A delivery is retried with backoff for this long after it was queued, then marked failed. */
	retryForMs: number;
}

export interface RedisSentinelTarget {
	sentinels: { host: string; port: number }[];
	masterName: string;
	/** The primary's and replicas' password (REDIS_PASSWORD). */
	password: string | undefined;
	/** The Sentinels' own password, when they ask for one. */
	sentinelPassword: string | undefined;
}

export class ConfigError extends Error {}

export function parseDatabaseUrl(url: string, fallbackDatabase?: string): DatabaseTarget {
	const parsed = new URL(url);
	const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || fallbackDatabase;
	if (!database) throw new ConfigError(`${url.replace(/:[^@/]*@/, ':***@')} names no database`);
	return {
		host: parsed.hostname,
		port: parsed.port ? Number(parsed.port) : 3306,
		user: decodeURIComponent(parsed.username),
		password: decodeURIComponent(parsed.password),
		database
	};
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	// An empty variable counts as unset, as in most deploy tools' env files.
	const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));
	const result = v.safeParse(EnvSchema, present);
	if (!result.success) {
		const problems = result.issues.map((issue) => {
			const key = issue.path?.map((p) => String(p.key)).join('.') ?? '?';
			return `  ${key}: ${issue.message}`;
		});
		throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
	}
	const e = result.output;
	if (e.REDIS_URL && e.REDIS_SENTINELS) {
		throw new ConfigError(
			'Invalid configuration:\n  REDIS_URL, REDIS_SENTINELS: set one of them (one Redis, or Sentinels that name the primary)'
		);
	}
	const pbx = parseDatabaseUrl(e.PBX_DATABASE_URL);
	return {
		pbx,
		binlog: e.BINLOG_DATABASE_URL ? parseDatabaseUrl(e.BINLOG_DATABASE_URL, pbx.database) : pbx,
		history: e.HISTORY_DATABASE_URL ? parseDatabaseUrl(e.HISTORY_DATABASE_URL, pbx.database) : pbx,
		dashboard: parseDatabaseUrl(e.DASHBOARD_DATABASE_URL),
		binlogServerId: e.BINLOG_SERVER_ID,
		binlogHeartbeatMs: e.BINLOG_HEARTBEAT_MS,
		liveReplayLimit: e.LIVE_REPLAY_LIMIT,
		sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
		sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
		sessionSweepMs: e.SESSION_SWEEP_MS,
		historyQueryTimeoutSeconds: e.HISTORY_QUERY_TIMEOUT_SECONDS,
		exportLimits: {
			perUser: e.EXPORT_MAX_PER_USER,
			total: e.EXPORT_MAX_TOTAL,
			stallMs: e.EXPORT_STALL_SECONDS * 1000
		},
		socketLimits: {
			perSession: e.SOCKETS_PER_SESSION,
			perWallToken: e.SOCKETS_PER_WALL_TOKEN,
			handshakesPerMinute: e.SOCKET_HANDSHAKES_PER_MINUTE
		},
		clientAddress: { header: e.ADDRESS_HEADER, xffDepth: e.XFF_DEPTH },
		// Absolute once, here: recording paths are checked against it with a prefix test.
		recordingsRoot: path.resolve(e.RECORDINGS_ROOT),
		origin: e.ORIGIN,
		redisUrl: e.REDIS_URL,
		redisSentinel: e.REDIS_SENTINELS && {
			sentinels: e.REDIS_SENTINELS.map((entry) => parseHostPort(entry)!),
			masterName: e.REDIS_MASTER_NAME,
			password: e.REDIS_PASSWORD,
			sentinelPassword: e.REDIS_SENTINEL_PASSWORD
		},
		redisStandaloneAfterMs: e.REDIS_STANDALONE_AFTER_MS,
		redisPrefix: e.REDIS_PREFIX,
		nodeId: e.NODE_ID ?? `${os.hostname()}:${process.pid}`,
		leaderLeaseMs: e.LEADER_LEASE_MS,
		logLevel: e.LOG_LEVEL,
		logFormat: e.LOG_FORMAT,
		metrics: { token: e.METRICS_TOKEN, allow: e.METRICS_ALLOW ?? [] },
		readyStreamDownMs: e.READY_STREAM_DOWN_MS,
		alertChannels: {
			smtpUrl: e.SMTP_URL,
			smtpFrom: e.SMTP_FROM,
			webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'true' || e.WEBHOOK_ALLOW_PRIVATE === '1',
			timeoutMs: e.ALERT_DELIVERY_TIMEOUT_MS,
			retryForMs: e.ALERT_DELIVERY_RETRY_MINUTES * 60_000
		},
		passwordCost: e.PASSWORD_HASHING === 'standard' ? STANDARD_COST : TEST_ONLY_COST
	};
}
