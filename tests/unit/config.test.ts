import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from '$lib/server/config';

const BASE = {
	PBX_DATABASE_URL: 'mysql://reader:s3cret@pbx-db:3306/pbxlogs',
	DASHBOARD_DATABASE_URL: 'mysql://dash:pw@dash-db/dashboard'
};

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
	try {
		loadConfig(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}
	expect.fail('expected a ConfigError');
}

describe('loadConfig', () => {
	it('fails on a missing PBX_DATABASE_URL, naming the variable', () => {
		const env: Record<string, string | undefined> = { ...BASE };
		delete env.PBX_DATABASE_URL;
		expect(configErrorOf(env).message).toMatch(/^\s*PBX_DATABASE_URL:/m);
	});

	it('fails on a non-mysql URL, naming the variable', () => {
		for (const url of ['postgres://u:p@db/pbx', 'http://db/pbx', 'not a url']) {
			const error = configErrorOf({ ...BASE, PBX_DATABASE_URL: url });
			expect(error.message).toMatch(/^\s*PBX_DATABASE_URL:/m);
			expect(error.message).not.toMatch(/DASHBOARD_DATABASE_URL/);
		}
		const binlog = configErrorOf({ ...BASE, BINLOG_DATABASE_URL: 'mariadb://db/pbx' });
		expect(binlog.message).toMatch(/BINLOG_DATABASE_URL: must be a mysql:\/\/ URL/);
	});

	it('names every bad variable at once', () => {
		const error = configErrorOf({ PBX_DATABASE_URL: 'x', LOG_LEVEL: 'loud' });
		expect(error.message).toContain('PBX_DATABASE_URL');
		expect(error.message).toContain('DASHBOARD_DATABASE_URL');
		expect(error.message).toContain('LOG_LEVEL');
	});

	it('counts empty and blank strings as unset', () => {
		expect(configErrorOf({ ...BASE, PBX_DATABASE_URL: '' }).message).toMatch(/PBX_DATABASE_URL/);
		expect(configErrorOf({ ...BASE, PBX_DATABASE_URL: '   ' }).message).toMatch(/PBX_DATABASE_URL/);
		const config = loadConfig({
			...BASE,
			BINLOG_DATABASE_URL: '',
			BINLOG_SERVER_ID: '',
			LOG_LEVEL: ' ',
			REDIS_URL: '',
			RECORDINGS_ROOT: ''
		});
		expect(config.binlog).toEqual(config.pbx);
		expect(config.binlogServerId).toBe(4201);
		expect(config.logLevel).toBe('info');
		expect(config.redisUrl).toBeUndefined();
		expect(config.recordingsRoot).toBe(path.resolve('./recordings'));
	});

	it('applies the defaults', () => {
		const config = loadConfig({ ...BASE });
		expect(config).toEqual({
			pbx: { host: 'pbx-db', port: 3306, user: 'reader', password: 's3cret', database: 'pbxlogs' },
			binlog: config.pbx,
			history: config.pbx,
			dashboard: {
				host: 'dash-db',
				port: 3306,
				user: 'dash',
				password: 'pw',
				database: 'dashboard'
			},
			binlogServerId: 4201,
			binlogHeartbeatMs: 5000,
			liveReplayLimit: 20_000,
			sessionIdleMs: 480 * 60_000,
			sessionMaxMs: 168 * 3_600_000,
			sessionSweepMs: 30_000,
			historyQueryTimeoutSeconds: 30,
			socketLimits: { perSession: 8, perWallToken: 3, handshakesPerMinute: 300 },
			clientAddress: { header: undefined, xffDepth: 1 },
			exportLimits: { perUser: 2, total: 4, stallMs: 30_000 },
			recordingsRoot: path.resolve('./recordings'),
			origin: undefined,
			redisUrl: undefined,
			redisSentinel: undefined,
			redisStandaloneAfterMs: 2000,
			redisPrefix: 'il',
			nodeId: `${os.hostname()}:${process.pid}`,
			leaderLeaseMs: 3000,
			logLevel: 'info',
			logFormat: 'text',
			metrics: { token: undefined, allow: [] },
			readyStreamDownMs: 10_000,
			alertChannels: {
				smtpUrl: undefined,
				smtpFrom: 'Interactions Live <alerts@localhost>',
				webhookAllowPrivate: false,
				timeoutMs: 5000,
				retryForMs: 3_600_000
			},
			passwordCost: { N: 2 ** 17, r: 8, p: 1 }
		});
	});

	it('reads numbers and choices from their variables', () => {
		const config = loadConfig({
			...BASE,
			BINLOG_SERVER_ID: '99',
			BINLOG_HEARTBEAT_MS: '1000',
			LIVE_REPLAY_LIMIT: '5000',
			SESSION_IDLE_MINUTES: '15',
			SESSION_MAX_HOURS: '2',
			SESSION_SWEEP_MS: '500',
			HISTORY_QUERY_TIMEOUT_SECONDS: '5',
			EXPORT_MAX_PER_USER: '1',
			EXPORT_MAX_TOTAL: '3',
			EXPORT_STALL_SECONDS: '2',
			RECORDINGS_ROOT: '/srv/rec',
			REDIS_URL: 'redis://cache:6379',
			REDIS_PREFIX: 'floor2',
			NODE_ID: 'node-b',
			LEADER_LEASE_MS: '5000',
			ORIGIN: 'https://live.example.com',
			LOG_LEVEL: 'debug',
			LOG_FORMAT: 'json',
			METRICS_TOKEN: 'a-long-scrape-token-0123',
			METRICS_ALLOW: '10.0.0.5, 10.1.0.0/16,fd00::/8',
			READY_STREAM_DOWN_MS: '0'
		});
		expect(config).toMatchObject({
			origin: 'https://live.example.com',
			binlogServerId: 99,
			binlogHeartbeatMs: 1000,
			liveReplayLimit: 5000,
			sessionIdleMs: 15 * 60_000,
			sessionMaxMs: 2 * 3_600_000,
			sessionSweepMs: 500,
			historyQueryTimeoutSeconds: 5,
			exportLimits: { perUser: 1, total: 3, stallMs: 2000 },
			recordingsRoot: '/srv/rec',
			redisUrl: 'redis://cache:6379',
			redisPrefix: 'floor2',
			nodeId: 'node-b',
			leaderLeaseMs: 5000,
			logLevel: 'debug',
			logFormat: 'json',
			metrics: {
				token: 'a-long-scrape-token-0123',
				allow: ['10.0.0.5', '10.1.0.0/16', 'fd00::/8']
			},
			readyStreamDownMs: 0
		});
	});

	it.each([
		['BINLOG_SERVER_ID', '1'],
		['BINLOG_SERVER_ID', 'abc'],
		['BINLOG_SERVER_ID', '4201.5'],
		['BINLOG_HEARTBEAT_MS', '100'],
		['SESSION_IDLE_MINUTES', '0'],
		['SESSION_SWEEP_MS', '50'],
		['HISTORY_QUERY_TIMEOUT_SECONDS', '0'],
		['EXPORT_MAX_PER_USER', '0'],
		['EXPORT_STALL_SECONDS', '0'],
		['REDIS_URL', 'http://cache:6379'],
		['REDIS_PREFIX', 'a b'],
		['REDIS_SENTINELS', 'sentinel-1'],
		['REDIS_SENTINELS', 'sentinel-1:26379,sentinel-2:99999'],
		['REDIS_MASTER_NAME', 'my master'],
		['REDIS_STANDALONE_AFTER_MS', '-5'],
		['LEADER_LEASE_MS', '10'],
		['LOG_FORMAT', 'xml'],
		['METRICS_TOKEN', 'too-short'],
		['METRICS_TOKEN', 'has a space in it, which is refused'],
		['METRICS_ALLOW', '10.0.0.0/33'],
		['METRICS_ALLOW', '10.0.0.1,prometheus.local'],
		['READY_STREAM_DOWN_MS', '-1']
	])('rejects %s=%j, naming it', (name, value) => {
		expect(configErrorOf({ ...BASE, [name]: value }).message).toMatch(
			new RegExp(`^\\s*${name}:`, 'm')
		);
	});

	it('reads Sentinels, the name of the primary and the standalone bound', () => {
		const config = loadConfig({
			...BASE,
			REDIS_SENTINELS: 'sentinel-1:26379, 10.0.0.7:26380,[fd00::7]:26381',
			REDIS_MASTER_NAME: 'live-primary',
			REDIS_PASSWORD: 'data-secret',
			REDIS_STANDALONE_AFTER_MS: '0'
		});
		expect(config.redisUrl).toBeUndefined();
		expect(config.redisSentinel).toEqual({
			sentinels: [
				{ host: 'sentinel-1', port: 26379 },
				{ host: '10.0.0.7', port: 26380 },
				{ host: 'fd00::7', port: 26381 }
			],
			masterName: 'live-primary',
			password: 'data-secret',
			sentinelPassword: undefined
		});
		expect(config.redisStandaloneAfterMs).toBe(0);
		expect(loadConfig({ ...BASE, REDIS_SENTINELS: 's:26379' }).redisSentinel?.masterName).toBe(
			'mymaster'
		);
	});

	it('refuses REDIS_URL and REDIS_SENTINELS together', () => {
		const message = configErrorOf({
			...BASE,
			REDIS_URL: 'redis://cache:6379',
			REDIS_SENTINELS: 's:26379'
		}).message;
		expect(message).toMatch(/REDIS_URL, REDIS_SENTINELS: set one of them/);
	});

	it('never echoes a secret in its message', () => {
		const message = configErrorOf({
			...BASE,
			PBX_DATABASE_URL: 'mysql://reader:hunter2-secret@bad host/pbxlogs',
			REDIS_URL: 'redis://:redis-secret@bad host:6379',
			METRICS_TOKEN: 'short-secret'
		}).message;
		expect(message).toMatch(/PBX_DATABASE_URL/);
		expect(message).toMatch(/REDIS_URL/);
		expect(message).toMatch(/METRICS_TOKEN/);
		for (const secret of ['hunter2-secret', 'redis-secret', 'short-secret']) {
			expect(message).not.toContain(secret);
		}
	});

	it('BINLOG_DATABASE_URL without a database falls back to the PBX database name', () => {
		for (const url of ['mysql://repl:pw@binlog-host:3307', 'mysql://repl:pw@binlog-host:3307/']) {
			const config = loadConfig({ ...BASE, BINLOG_DATABASE_URL: url });
			expect(config.binlog).toEqual({
				host: 'binlog-host',
				port: 3307,
				user: 'repl',
				password: 'pw',
				database: 'pbxlogs'
			});
			expect(config.pbx.host).toBe('pbx-db');
		}
		const named = loadConfig({ ...BASE, BINLOG_DATABASE_URL: 'mysql://repl@b/other' });
		expect(named.binlog.database).toBe('other');
	});

	it('HISTORY_DATABASE_URL without a database falls back to the PBX database name too', () => {
		const config = loadConfig({ ...BASE, HISTORY_DATABASE_URL: 'mysql://ro@replica' });
		expect(config.history).toMatchObject({ host: 'replica', database: 'pbxlogs' });
	});

	it('a DASHBOARD_DATABASE_URL without a database fails without printing the password', () => {
		const error = configErrorOf({ ...BASE, DASHBOARD_DATABASE_URL: 'mysql://dash:hunter2@db' });
		expect(error.message).toContain('names no database');
		expect(error.message).not.toContain('hunter2');
	});
});

describe('parseDatabaseUrl', () => {
	it('decodes percent-encoded credentials and database names', () => {
		expect(parseDatabaseUrl('mysql://us%40er:p%3Ass%2Fw@h:1234/my%20db')).toEqual({
			host: 'h',
			port: 1234,
			user: 'us@er',
			password: 'p:ss/w',
			database: 'my db'
		});
	});

	it('reads the alert channels: SMTP, private webhooks, timeouts; names a bad variable', () => {
		const config = loadConfig({
			...BASE,
			SMTP_URL: 'smtps://alerts%40example.com:pw@smtp.example.com:465',
			WEBHOOK_ALLOW_PRIVATE: 'true',
			ALERT_DELIVERY_TIMEOUT_MS: '2000',
			ALERT_DELIVERY_RETRY_MINUTES: '10'
		});
		expect(config.alertChannels).toEqual({
			smtpUrl: 'smtps://alerts%40example.com:pw@smtp.example.com:465',
			smtpFrom: 'Interactions Live <alerts@localhost>',
			webhookAllowPrivate: true,
			timeoutMs: 2000,
			retryForMs: 600_000
		});
		expect(loadConfig(BASE).alertChannels).toMatchObject({
			smtpUrl: undefined,
			webhookAllowPrivate: false,
			timeoutMs: 5000,
			retryForMs: 3_600_000
		});
		const smtp = configErrorOf({ ...BASE, SMTP_URL: 'http://user:secret@mail.example.com' });
		expect(smtp.message).toMatch(/^\s*SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/m);
		expect(smtp.message).not.toContain('secret');
		expect(configErrorOf({ ...BASE, WEBHOOK_ALLOW_PRIVATE: 'yes' }).message).toMatch(
			/^\s*WEBHOOK_ALLOW_PRIVATE:/m
		);
		expect(configErrorOf({ ...BASE, ALERT_DELIVERY_TIMEOUT_MS: '60000' }).message).toMatch(
			/^\s*ALERT_DELIVERY_TIMEOUT_MS:/m
		);
	});
});
