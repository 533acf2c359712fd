import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext, type LogLevel } from '$lib/server/log';
import { scrapeAccess } from '$lib/server/metrics/access';
import { comparePositions } from '$lib/server/status/binlog';
import { LagTracker } from '$lib/server/status/lag';
import { readiness } from '$lib/server/status/ready';

const at = (filename: string, position: number) => ({ filename, position });

describe('LagTracker: the tailing node', () => {
	const base = { pending: false, lastCommitAt: null, snapshotAt: 1_000 };

	it('is 0 behind while it has read all the server has, however old the last commit', () => {
		const fresh = new LagTracker();
		const sample = { ...base, server: at('b.000001', 500), read: at('b.000001', 500) };
		expect(fresh.tailing(60_000, sample)).toEqual({ lagMs: 0, caughtUp: true });
		expect(fresh.tailing(120_000, sample).lagMs).toBe(0);
	});

	it('falls behind from the last time it was current while the stream stands still', () => {
		const fresh = new LagTracker();
		fresh.tailing(10_000, { ...base, server: at('b.000001', 500), read: at('b.000001', 500) });
		const behind = { ...base, server: at('b.000001', 900), read: at('b.000001', 500) };
		expect(fresh.tailing(11_000, behind)).toEqual({ lagMs: 1_000, caughtUp: false });
		expect(fresh.tailing(15_000, behind).lagMs).toBe(5_000);
		// Catching up: as fresh as the newest commit handled, then current again.
		const catching = { ...behind, read: at('b.000001', 700), lastCommitAt: 13_000 };
		expect(fresh.tailing(16_000, catching).lagMs).toBe(3_000);
		const caught = { ...catching, server: at('b.000001', 950), read: at('b.000001', 950) };
		expect(fresh.tailing(17_000, caught).lagMs).toBe(0);
	});

	it('is not current with commits in hand, nor when the server cannot be asked', () => {
		const fresh = new LagTracker();
		const pending = { ...base, pending: true, server: at('b.1', 5), read: at('b.1', 5) };
		expect(fresh.tailing(4_000, pending)).toEqual({ lagMs: 3_000, caughtUp: false });
		const unknown = { ...base, server: null, read: at('b.1', 5), lastCommitAt: 3_500 };
		expect(fresh.tailing(6_000, unknown).lagMs).toBe(2_500);
	});

	it('never moves its fresh-up-to point back', () => {
		const fresh = new LagTracker();
		fresh.tailing(9_000, { ...base, server: at('b.1', 5), read: at('b.1', 5) });
		const older = { ...base, server: at('b.1', 9), read: at('b.1', 5), lastCommitAt: 2_000 };
		expect(fresh.tailing(10_000, older).lagMs).toBe(1_000);
	});
});

describe('LagTracker: a follower', () => {
	it('is as fresh as the leader once it applied the whole shared log', () => {
		const fresh = new LagTracker();
		const sample = { caughtUp: true, leaderLagMs: 250, lastCommitAt: 1_000, snapshotAt: 500 };
		expect(fresh.following(10_000, sample)).toBe(250);
	});

	it('is as fresh as its newest commit while it is behind or no leader reports', () => {
		const fresh = new LagTracker();
		const behind = { caughtUp: false, leaderLagMs: 0, lastCommitAt: 7_000, snapshotAt: 500 };
		expect(fresh.following(10_000, behind)).toBe(3_000);
		const leaderless = { caughtUp: true, leaderLagMs: null, lastCommitAt: 7_000, snapshotAt: 500 };
		expect(fresh.following(12_000, leaderless)).toBe(5_000);
	});
});

describe('binlog positions', () => {
	it('order by file, then by offset', () => {
		expect(comparePositions(at('b.000009', 900), at('b.000010', 4))).toBeLessThan(0);
		expect(comparePositions(at('b.000010', 4), at('b.000010', 4))).toBe(0);
		expect(comparePositions(at('b.000010', 90), at('b.000010', 4))).toBeGreaterThan(0);
	});
});

describe('readiness', () => {
	const up = {
		loading: false,
		following: null,
		tailing: true,
		streamDownMs: 0,
		thresholdMs: 10_000
	};

	it('is ready while nothing is wrong, and while the stream is down for less than the threshold', () => {
		expect(readiness(up)).toEqual({ ready: true });
		expect(readiness({ ...up, streamDownMs: 9_999 })).toEqual({ ready: true });
	});

	it('fails while loading a snapshot, when not following the shared log, or past the threshold', () => {
		expect(readiness({ ...up, loading: true })).toEqual({
			ready: false,
			reason: 'loading a snapshot'
		});
		expect(readiness({ ...up, following: false }).ready).toBe(false);
		expect(readiness({ ...up, streamDownMs: 10_000 })).toEqual({
			ready: false,
			reason: 'binlog stream down'
		});
		expect(readiness({ ...up, streamDownMs: 1, thresholdMs: 0 }).ready).toBe(false);
	});

	it('ignores the binlog stream on a node that does not tail it', () => {
		expect(readiness({ ...up, tailing: false, following: true, streamDownMs: 60_000 })).toEqual({
			ready: true
		});
	});
});

describe('scrapeAccess', () => {
	const token = 'scrape-token-0123456789';

	it('opens to the bearer token, and to nothing when nothing is configured', () => {
		const access = scrapeAccess({ token, allow: [] });
		expect(access.check(`Bearer ${token}`, '203.0.113.9')).toBe('allowed');
		expect(access.check(`bearer  ${token} `, null)).toBe('allowed');
		expect(access.check(null, '127.0.0.1')).toBe('no-credentials');
		expect(access.check(`Bearer ${token}x`, '127.0.0.1')).toBe('refused');
		expect(access.check(`Basic ${token}`, '127.0.0.1')).toBe('no-credentials');
		const closed = scrapeAccess({ token: undefined, allow: [] });
		expect(closed.wantsToken).toBe(false);
		expect(closed.check(null, '127.0.0.1')).toBe('no-credentials');
		expect(closed.check('Bearer anything-at-all-really', '127.0.0.1')).toBe('refused');
	});

	it('opens to listed addresses and subnets, IPv4 clients on dual-stack sockets too', () => {
		const access = scrapeAccess({
			token: undefined,
			allow: ['10.0.0.5', '10.1.0.0/16', 'fd00::/8']
		});
		expect(access.check(null, '10.0.0.5')).toBe('allowed');
		expect(access.check(null, '::ffff:10.1.200.3')).toBe('allowed');
		expect(access.check(null, 'fd12::1')).toBe('allowed');
		expect(access.check(null, '10.0.0.6')).toBe('no-credentials');
		expect(access.check(null, '10.2.0.1')).toBe('no-credentials');
		expect(access.check(null, 'not an address')).toBe('no-credentials');
	});
});

describe('logger', () => {
	function capture(format: 'text' | 'json', level: LogLevel = 'debug') {
		const lines: string[] = [];
		const log = createLogger({ level, format, write: (line) => lines.push(line) });
		return { log, lines };
	}

	it('writes one JSON object per line with the request or socket id of the work at hand', async () => {
		const { log, lines } = capture('json');
		await withLogContext({ requestId: 'req-1' }, async () => {
			await Promise.resolve();
			log.child('http').info('GET /x 200', { ms: 3 });
		});
		withLogContext({ socketId: 'sock-9' }, () => log.warn('subscribe failed'));
		log.debug('plain');
		const [http, socket, plain] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(http).toMatchObject({
			level: 'info',
			scope: 'app:http',
			msg: 'GET /x 200',
			ms: 3,
			requestId: 'req-1'
		});
		expect(typeof http.time).toBe('string');
		expect(socket).toMatchObject({ level: 'warn', msg: 'subscribe failed', socketId: 'sock-9' });
		expect(plain.requestId).toBeUndefined();
	});

	it('never writes passwords, tokens, cookies or message bodies, at any depth', () => {
		for (const format of ['json', 'text'] as const) {
			const { log, lines } = capture(format);
			log.error('oops', {
				password: 'hunter2-pass',
				user: { sessionToken: 'sess-secret', name: 'jo' },
				headers: { cookie: 'il_session=cookie-secret', authorization: 'Bearer auth-secret' },
				row: { contentPreview: 'body-secret', body: 'body-secret-2' },
				wallToken: 'wall-secret'
			});
			const text = lines.join('\n');
			for (const secret of [
				'hunter2',
				'sess-secret',
				'cookie-secret',
				'auth-secret',
				'body-secret',
				'wall-secret'
			]) {
				expect(text, format).not.toContain(secret);
			}
			expect(text).toContain('jo');
		}
	});

	it('keeps the line itself when a detail has the same name, and honours the level', () => {
		const { log, lines } = capture('json', 'warn');
		log.info('dropped');
		log.warn('kept', { level: 'debug', msg: 'other' });
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', msg: 'kept' });
	});
});
