import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '$lib/server/http/address';
import { handshakeRate, PrincipalSockets } from '$lib/server/realtime/principals';
import { SharedReplays, type Replay } from '$lib/server/realtime/snapshots';
import { WorkQueue } from '$lib/server/realtime/work-queue';
import type { Viewer } from '$lib/server/scope';
import { interaction, upsert } from './fixtures';

/** What one sign-in, one wall link or one address can make the server do. */

function user(sessionId: string): Viewer {
	return {
		kind: 'user',
		userId: 1,
		sessionId,
		sessionExpiresAt: Number.MAX_SAFE_INTEGER,
		username: 'sup',
		displayName: 'Sup',
		role: 'cc_supervisor',
		tenantId: 1,
		queueIds: [1],
		permissions: ['interactions']
	};
}

const wall = (tokenId: number): Viewer => ({
	kind: 'wall',
	tokenId,
	label: 'hall',
	tenantId: 1,
	queueIds: 'all'
});

describe('PrincipalSockets', () => {
	const limits = { perSession: 3, perWallToken: 2 };

	it('refuses the socket past a session’s limit, and frees a place when one closes', () => {
		const sockets = new PrincipalSockets(limits);
		const places = [1, 2, 3].map(() => sockets.take(user('s1')));
		for (const place of places) expect(typeof place).toBe('function');
		const refused = sockets.take(user('s1'));
		expect(refused).toMatchObject({ message: expect.stringMatching(/3 live screens open/) });
		// Another sign-in of the same user is another principal.
		expect(typeof sockets.take(user('s2'))).toBe('function');
		(places[0] as () => void)();
		(places[0] as () => void)(); // a second release frees nothing more
		expect(sockets.count(user('s1'))).toBe(2);
		expect(typeof sockets.take(user('s1'))).toBe('function');
		expect(typeof sockets.take(user('s1'))).toBe('object');
	});

	it('gives a wall-display token its own, smaller limit', () => {
		const sockets = new PrincipalSockets(limits);
		expect(typeof sockets.take(wall(7))).toBe('function');
		expect(typeof sockets.take(wall(7))).toBe('function');
		expect(sockets.take(wall(7))).toMatchObject({ message: expect.stringMatching(/own link/) });
		expect(typeof sockets.take(wall(8))).toBe('function');
	});
});

describe('handshakeRate', () => {
	it('lets an address burst its minute’s worth, then one per refill interval', () => {
		let now = 0;
		const rate = handshakeRate(6, () => now);
		const taken = Array.from({ length: 8 }, () => rate.take('10.0.0.1'));
		expect(taken.filter(Boolean)).toHaveLength(6);
		expect(rate.take('10.0.0.2')).toBe(true);
		now += 10_000; // a minute / 6
		expect(rate.take('10.0.0.1')).toBe(true);
		expect(rate.take('10.0.0.1')).toBe(false);
	});

	it('keeps a bounded number of addresses', () => {
		let now = 0;
		const rate = handshakeRate(10, () => now);
		for (let i = 0; i < 10_050; i++) rate.take(`a${i}`);
		expect(rate.size).toBeLessThanOrEqual(10_000);
		now += 61_000;
		rate.take('late');
		expect(rate.size).toBe(1);
	});
});

describe('clientAddress', () => {
	const request = (headers: Record<string, string>) =>
		({ headers, socket: { remoteAddress: '10.9.9.9' } }) as unknown as IncomingMessage;

	it('is the peer without ADDRESS_HEADER, whatever the request claims', () => {
		const rule = { header: undefined, xffDepth: 1 };
		expect(clientAddress(request({ 'x-forwarded-for': '1.2.3.4' }), rule)).toBe('10.9.9.9');
	});

	it('reads x-forwarded-for from the right, as deep as the trusted proxies', () => {
		const headers = { 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.0.0.2' };
		expect(clientAddress(request(headers), { header: 'x-forwarded-for', xffDepth: 1 })).toBe(
			'10.0.0.2'
		);
		expect(clientAddress(request(headers), { header: 'x-forwarded-for', xffDepth: 2 })).toBe(
			'1.2.3.4'
		);
		expect(clientAddress(request({}), { header: 'x-forwarded-for', xffDepth: 1 })).toBe('10.9.9.9');
		expect(clientAddress(request({ 'x-real-ip': '5.5.5.5' }), { header: 'x-real-ip', xffDepth: 1 })).toBe('5.5.5.5'); // prettier-ignore
	});
});

describe('WorkQueue', () => {
	it('runs one job at a time, in order, with the event loop’s turn between two', async () => {
		const queue = new WorkQueue(1);
		const log: string[] = [];
		let running = 0;
		const jobs = Array.from({ length: 5 }, (_, i) =>
			queue.run(async () => {
				running++;
				expect(running).toBe(1);
				log.push(`start ${i}`);
				await new Promise((resolve) => setImmediate(resolve));
				log.push(`end ${i}`);
				// Something else the loop has to do, queued as the job ends: it must run before the
				// next job starts (counting timer ticks instead was at the mercy of the clock).
				setImmediate(() => log.push(`turn ${i}`));
				running--;
				return i;
			})
		);
		expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
		await new Promise((resolve) => setImmediate(resolve));
		expect(log).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`start ${i}`, `end ${i}`, `turn ${i}`]));
		expect(queue.running).toBe(0);
		expect(queue.waiting).toBe(0);
	});

	it('goes on after a job that throws', async () => {
		const queue = new WorkQueue(1);
		const failed = queue.run(() => Promise.reject(new Error('boom')));
		const next = queue.run(() => 'next');
		await expect(failed).rejects.toThrow('boom');
		expect(await next).toBe('next');
	});
});

describe('SharedReplays', () => {
	const tenant = { id: 1, name: 'Acme', timezone: 'UTC' };
	const replay = (seq: number): Replay => ({
		kind: 'replay',
		epoch: 'e1',
		seq,
		tenant,
		serverTime: 0,
		changes: [upsert(interaction({ id: '9' }), seq)]
	});

	it('serves a screen resuming from the replay’s start or later while the log stays put', () => {
		const replays = new SharedReplays();
		const tenantRoom = replays.room('tenant:1');
		const kept = tenantRoom.keep(10, replay(12));
		const head = { epoch: 'e1', seq: 12 };
		expect(tenantRoom.find({ epoch: 'e1', seq: 11 }, head)?.changes).toBe(kept.changes);
		expect(replays.room('tenant:1').find({ epoch: 'e1', seq: 10 }, head)).toBeTruthy();
		// Further back than the replay starts, another room, the log moved on, another epoch: none.
		expect(tenantRoom.find({ epoch: 'e1', seq: 9 }, head)).toBeUndefined();
		expect(replays.room('tenant:1:queues:1').find({ epoch: 'e1', seq: 11 }, head)).toBeUndefined();
		expect(tenantRoom.find({ epoch: 'e1', seq: 11 }, { epoch: 'e1', seq: 13 })).toBeUndefined();
		expect(tenantRoom.find({ epoch: 'e0', seq: 11 }, head)).toBeUndefined();
	});

	it('lets go of an encoding once its time is up', () => {
		let now = 0;
		const replays = new SharedReplays(2000, () => now);
		replays.room('tenant:1').keep(10, replay(12));
		now = 2001;
		const head = { epoch: 'e1', seq: 12 };
		expect(replays.room('tenant:1').find({ epoch: 'e1', seq: 11 }, head)).toBeUndefined();
	});
});
