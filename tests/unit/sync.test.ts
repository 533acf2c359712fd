import { describe, expect, it } from 'vitest';
import type { Interaction, InteractionChange, LiveSnapshot } from '$lib/interaction';
import { PROBE_TIMEOUT_MS, STALE_AFTER_MS } from '$lib/live/link-watch';
import { LiveSync, type SyncHooks, type SyncSocket } from '$lib/live/sync';
import type { SubscribeReply, SubscribeRequest } from '$lib/realtime';
import { interaction, removal, upsert } from './fixtures';
import { ManualClock } from './manual-clock';

const TENANT = { id: 1, name: 'Acme', timezone: 'UTC' };
const NOON = Date.parse('2026-03-10T12:00:00.000Z');

/** A socket the test drives by hand: it plays the server, and keeps every subscribe request. */
class FakeSocket implements SyncSocket {
	connected = false;
	readonly requests: { request: SubscribeRequest; ack: (reply: SubscribeReply) => void }[] = [];
	/** Acks of the pings sent, to answer (or not) by hand. */
	readonly pings: (() => void)[] = [];
	/** How often the link came up (by the server's doing or the client's own connect()). */
	dials = 0;
	readonly #listeners = new Map<string, Set<(...args: never[]) => void>>();

	on(event: string, listener: (...args: never[]) => void): this {
		if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
		this.#listeners.get(event)!.add(listener);
		return this;
	}
	off(event: string, listener: (...args: never[]) => void): this {
		this.#listeners.get(event)?.delete(listener);
		return this;
	}
	emit(
		event: 'live:subscribe',
		request: SubscribeRequest,
		ack: (reply: SubscribeReply) => void
	): this;
	emit(event: 'live:ping', ack: () => void): this;
	emit(event: string, ...args: unknown[]): this {
		if (event === 'live:ping') this.pings.push(args[0] as () => void);
		else {
			const [request, ack] = args as [SubscribeRequest, (reply: SubscribeReply) => void];
			this.requests.push({ request, ack });
		}
		return this;
	}

	fire(event: string, ...args: unknown[]): void {
		for (const listener of this.#listeners.get(event) ?? []) {
			(listener as (...a: unknown[]) => void)(...args);
		}
	}
	connect(): void {
		this.dials++;
		this.connected = true;
		this.fire('connect');
	}
	disconnect(): void {
		this.connected = false;
		this.fire('disconnect');
	}
	changes(epoch: string, ...changes: InteractionChange[]): void {
		this.fire('live:changes', { epoch, changes });
	}
	/** The latest subscribe request, answered with `reply`. */
	answer(reply: SubscribeReply): SubscribeRequest {
		const last = this.requests.at(-1);
		if (!last) throw new Error('no subscribe request');
		last.ack(reply);
		return last.request;
	}
	get lastRequest(): SubscribeRequest | undefined {
		return this.requests.at(-1)?.request;
	}
}

function snapshot(epoch: string, seq: number, rows: Interaction[] = []): SubscribeReply {
	const snap: LiveSnapshot = { epoch, seq, tenant: TENANT, serverTime: NOON, rows };
	return { ok: true, kind: 'snapshot', snapshot: snap };
}

function replay(
	epoch: string,
	seq: number,
	changes: InteractionChange[] = [],
	serverTime = NOON
): SubscribeReply {
	return { ok: true, kind: 'replay', epoch, seq, tenant: TENANT, serverTime, changes };
}

function row(id: string, status: Interaction['status'] = 'new'): Interaction {
	return interaction({ id, status });
}

/** A client with a row map that records what it applied, as TestClient does. */
function setup(hooks: SyncHooks = {}, defer?: (task: () => void) => void) {
	const socket = new FakeSocket();
	const clock = new ManualClock();
	const rows = new Map<string, Interaction>();
	const applied: number[] = [];
	const events: string[] = [];
	const sync = new LiveSync(socket, {
		request: { queueIds: [3] },
		rows,
		clock,
		defer,
		hooks: {
			change: (change) => applied.push(change.seq),
			snapshot: (s) => events.push(`snapshot ${s.epoch}@${s.seq}`),
			replay: (r, n) => events.push(`replay ${r.epoch}@${r.seq} applied ${n}`),
			status: (status) => events.push(status),
			error: (message) => events.push(`error ${message}`),
			...hooks
		}
	});
	return { socket, clock, rows, applied, events, sync };
}

/** A snapshot's reply in parts: `first` in the reply, `count - 1` parts to follow. */
function inParts(
	epoch: string,
	seq: number,
	first: Interaction[],
	count: number,
	id = 'p1',
	changes?: InteractionChange[]
): SubscribeReply {
	const reply = snapshot(epoch, seq, first);
	if (!reply.ok || reply.kind !== 'snapshot') throw new Error('not a snapshot');
	return { ...reply, parts: { id, count }, ...(changes && { changes }) };
}

/** Deferred tasks the test runs by hand, one at a time, as the browser's event loop would. */
class Tasks {
	readonly queue: (() => void)[] = [];
	readonly defer = (task: () => void) => void this.queue.push(task);
	/** Runs the tasks queued now (not those they queue); returns how many ran. */
	runOne(): boolean {
		const task = this.queue.shift();
		task?.();
		return task !== undefined;
	}
	runAll(): number {
		let ran = 0;
		while (this.runOne()) ran++;
		return ran;
	}
}

describe('LiveSync, a snapshot in parts', () => {
	it('applies each part in a task of its own, and the changes that came meanwhile once all are in', () => {
		const tasks = new Tasks();
		const parts: string[] = [];
		const { socket, rows, applied, events, sync } = setup(
			{ part: (partRows, first) => parts.push(`${first ? 'first' : 'part'} ${partRows.length}`) },
			tasks.defer
		);
		socket.connect();
		socket.answer(inParts('e1', 10, [row('1'), row('2')], 3));
		expect([...rows.keys()]).toEqual(['1', '2']);
		expect(sync.ready).toBe(false);
		// A change after the snapshot's position, to a row of a later part, and one before it.
		socket.changes('e1', upsert(row('4', 'active'), 11), upsert(row('3', 'active'), 9));
		socket.fire('live:snapshot', { id: 'p1', part: 1, rows: [row('3')] });
		socket.fire('live:snapshot', { id: 'p1', part: 2, rows: [row('4')] });
		expect(rows.size).toBe(2);
		expect(tasks.runOne()).toBe(true);
		expect([...rows.keys()]).toEqual(['1', '2', '3']);
		expect(applied).toEqual([]);
		expect(events).toEqual([]);
		expect(tasks.runAll()).toBe(1);
		expect(parts).toEqual(['first 2', 'part 1', 'part 1']);
		expect(events).toEqual(['snapshot e1@10', 'live']);
		expect(sync.ready).toBe(true);
		expect(applied).toEqual([11]);
		expect(rows.get('4')?.status).toBe('active');
		expect(rows.get('3')?.status).toBe('new');
	});

	it("ignores another subscribe's parts, and hands the whole snapshot's rows to the hook", () => {
		const tasks = new Tasks();
		const snapshots: LiveSnapshot[] = [];
		const { socket, rows } = setup({ snapshot: (s) => snapshots.push(s) }, tasks.defer);
		socket.connect();
		socket.answer(inParts('e1', 10, [row('1')], 2, 'p7', [upsert(row('1', 'acw'), 12)]));
		socket.fire('live:snapshot', { id: 'p6', part: 1, rows: [row('9')] });
		tasks.runAll();
		expect(rows.has('9')).toBe(false);
		socket.fire('live:snapshot', { id: 'p7', part: 1, rows: [row('2')] });
		tasks.runAll();
		expect(snapshots.map((s) => s.rows.map((r) => r.id))).toEqual([['1', '2']]);
		// The reply's own changes since the snapshot apply after its last part.
		expect(rows.get('1')?.status).toBe('acw');
	});

	it('asks for a fresh snapshot, not a resume, when the link drops before the last part', () => {
		const tasks = new Tasks();
		const { socket, rows, sync } = setup({}, tasks.defer);
		socket.connect();
		socket.answer(snapshot('e1', 5, [row('0')]));
		expect(sync.ready).toBe(true);
		socket.fire('live:resync', { reason: 'log restarted' });
		socket.answer(inParts('e2', 10, [row('1')], 2));
		socket.disconnect();
		socket.connect();
		expect(socket.lastRequest).toEqual({ queueIds: [3] });
		// A part of the abandoned snapshot arriving late changes nothing.
		socket.fire('live:snapshot', { id: 'p1', part: 1, rows: [row('2')] });
		expect(tasks.runAll()).toBe(0);
		expect([...rows.keys()]).toEqual(['1']);
	});

	it('follows the position only when asked (a replay), and the rows again after', () => {
		const { socket, rows, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10, [row('1')]));
		sync.followRows(false);
		expect(socket.lastRequest).toEqual({ queueIds: [3], rows: false });
		socket.answer(snapshot('e1', 12));
		expect(rows.size).toBe(0);
		socket.disconnect();
		socket.connect();
		// Nothing to resume: no rows were kept.
		expect(socket.lastRequest).toEqual({ queueIds: [3], rows: false });
		socket.answer(snapshot('e1', 13));
		sync.followRows(true);
		expect(socket.lastRequest).toEqual({ queueIds: [3] });
	});
});

describe('LiveSync', () => {
	it('subscribes on connect, takes the snapshot and applies later changes in order', () => {
		const { socket, rows, applied, sync } = setup();
		socket.connect();
		expect(socket.lastRequest).toEqual({ queueIds: [3] });
		socket.answer(snapshot('e1', 10, [row('1'), row('2')]));
		expect(sync.ready).toBe(true);
		expect([...rows.keys()]).toEqual(['1', '2']);

		socket.changes('e1', upsert(row('1', 'active'), 11), removal(row('2'), undefined, 12));
		expect(applied).toEqual([11, 12]);
		expect(rows.get('1')?.status).toBe('active');
		expect(rows.has('2')).toBe(false);
		expect(sync.seq).toBe(12);
	});

	it('drops changes at or below its sequence, so a duplicate is applied once', () => {
		const { socket, rows, applied } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10, [row('1', 'active')]));
		socket.changes('e1', upsert(row('1', 'new'), 9), upsert(row('1', 'new'), 10));
		expect(rows.get('1')?.status).toBe('active');
		socket.changes('e1', upsert(row('1', 'acw'), 11));
		socket.changes('e1', upsert(row('1', 'acw'), 11), upsert(row('2'), 12));
		socket.changes('e1', upsert(row('2'), 12));
		expect(applied).toEqual([11, 12]);
	});

	it('buffers changes that arrive before the reply and applies them after it, in order', () => {
		const { socket, rows, applied, events } = setup();
		socket.connect();
		socket.changes('e1', upsert(row('1'), 9));
		socket.changes('e1', upsert(row('1', 'active'), 11));
		socket.changes('e1', upsert(row('2'), 12), upsert(row('1', 'acw'), 13));
		expect(applied).toEqual([]);
		socket.answer(snapshot('e1', 10, [row('1')]));
		expect(applied).toEqual([11, 12, 13]);
		expect(rows.get('1')?.status).toBe('acw');
		expect(events).toEqual(['snapshot e1@10', 'live']);
	});

	it('resumes from the replay reply seq even when scope filtered out every replayed change', () => {
		const { socket, applied, events } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10));
		socket.disconnect();
		socket.connect();
		expect(socket.lastRequest).toEqual({ queueIds: [3], resume: { epoch: 'e1', seq: 10 } });
		// Changes 11..50 were all for other queues: the replay is empty but the log is at 50.
		socket.answer(replay('e1', 50));
		socket.disconnect();
		socket.connect();
		expect(socket.lastRequest?.resume).toEqual({ epoch: 'e1', seq: 50 });
		// A late duplicate from before the replay's position is not applied.
		socket.answer(replay('e1', 50));
		socket.changes('e1', upsert(row('9'), 42));
		expect(applied).toEqual([]);
		expect(events.filter((e) => e.startsWith('replay'))).toEqual([
			'replay e1@50 applied 0',
			'replay e1@50 applied 0'
		]);
	});

	it('applies a replay in order and keeps the later of its last change and its seq', () => {
		const { socket, rows, applied, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10, [row('1')]));
		socket.disconnect();
		socket.connect();
		socket.changes('e1', upsert(row('1', 'closed'), 14));
		socket.answer(replay('e1', 13, [upsert(row('1', 'active'), 11), upsert(row('2'), 13)]));
		expect(applied).toEqual([11, 13, 14]);
		expect(rows.get('1')?.status).toBe('closed');
		expect(sync.seq).toBe(14);
	});

	it('starts over with a snapshot when a message or a heartbeat carries another epoch', () => {
		const { socket, rows, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10, [row('1')]));

		socket.changes('e2', upsert(row('2'), 3));
		expect(rows.has('2')).toBe(false);
		expect(sync.ready).toBe(false);
		expect(socket.lastRequest).toEqual({ queueIds: [3] });
		socket.answer(snapshot('e2', 5, [row('2')]));
		expect([...rows.keys()]).toEqual(['2']);
		expect(sync.epoch).toBe('e2');

		socket.fire('live:heartbeat', { epoch: 'e2', seq: 5, serverTime: NOON });
		expect(socket.requests).toHaveLength(2);
		socket.fire('live:heartbeat', { epoch: 'e3', seq: 1, serverTime: NOON });
		expect(socket.requests).toHaveLength(3);
		expect(socket.lastRequest?.resume).toBeUndefined();
	});

	it('starts over on live:resync, and a buffered message of another epoch is not applied', () => {
		const { socket, rows, applied } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10));
		socket.fire('live:resync', { reason: 'binlog position lost' });
		expect(socket.lastRequest).toEqual({ queueIds: [3] });
		socket.changes('e1', upsert(row('1'), 11));
		socket.answer(snapshot('e2', 3));
		// The straggler of the old log asked for a fresh start instead of landing on the new one.
		expect(rows.size).toBe(0);
		expect(applied).toEqual([]);
		expect(socket.requests).toHaveLength(3);
	});

	it('handles only the reply to its latest subscribe', () => {
		const { socket, rows } = setup();
		socket.connect();
		const first = socket.requests[0];
		socket.fire('live:resync', { reason: 'restart' });
		first.ack(snapshot('e1', 10, [row('1')]));
		expect(rows.size).toBe(0);
		socket.answer(snapshot('e2', 2, [row('2')]));
		expect([...rows.keys()]).toEqual(['2']);
	});

	it('reports a refused subscribe and stays not ready', () => {
		const { socket, events, sync } = setup();
		socket.connect();
		socket.answer({ ok: false, error: 'Unknown tenant' });
		expect(sync.ready).toBe(false);
		expect(events).toEqual(['error', 'error Unknown tenant']);
	});

	it('reports the server clock of replies and heartbeats, and bare arrivals of changes', () => {
		const heard: (number | undefined)[] = [];
		const { socket } = setup({ heard: (serverTime) => heard.push(serverTime) });
		socket.connect();
		socket.answer(snapshot('e1', 1));
		socket.changes('e1', upsert(row('1'), 2));
		socket.fire('live:heartbeat', { epoch: 'e1', seq: 2, serverTime: NOON + 5000 });
		expect(heard).toEqual([NOON, undefined, NOON + 5000]);
	});

	it('without a row map tracks only the position (the bench fleet)', () => {
		const socket = new FakeSocket();
		const seen: (Interaction | undefined)[] = [];
		const sync = new LiveSync(socket, { hooks: { change: (_c, before) => seen.push(before) } });
		socket.connect();
		socket.answer(snapshot('e1', 10, [row('1')]));
		socket.changes('e1', upsert(row('1', 'active'), 11), upsert(row('1', 'active'), 11));
		expect(sync.seq).toBe(11);
		expect(seen).toEqual([undefined]);
	});

	it('moves to another socket keeping its position, and ignores the old one', () => {
		const { socket, applied, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10));
		const next = new FakeSocket();
		next.connected = true;
		sync.attach(next);
		expect(next.lastRequest?.resume).toEqual({ epoch: 'e1', seq: 10 });
		next.answer(replay('e1', 12, [upsert(row('1'), 12)]));
		socket.changes('e1', upsert(row('2'), 13));
		socket.fire('connect');
		expect(socket.requests).toHaveLength(1);
		expect(applied).toEqual([12]);
	});

	it('drops yesterday’s closed rows when a replay arrives after the tenant’s midnight', () => {
		const { socket, rows } = setup();
		socket.connect();
		const closedYesterday = interaction({
			id: '1',
			status: 'closed',
			createdAt: '2026-03-10T09:00:00.000Z',
			closedAt: '2026-03-10T09:05:00.000Z'
		});
		socket.answer(snapshot('e1', 10, [closedYesterday, row('2')]));
		socket.disconnect();
		socket.connect();
		socket.answer(replay('e1', 10, [], NOON + 24 * 3600_000));
		expect([...rows.keys()]).toEqual(['2']);
	});
});

describe('LiveSync deadline', () => {
	const heartbeat = (socket: FakeSocket, seq: number) =>
		socket.fire('live:heartbeat', { epoch: 'e1', seq, serverTime: NOON });

	it('is stale when the server falls silent with the socket open, live when it speaks again', () => {
		const { socket, clock, events, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10));
		clock.advance(STALE_AFTER_MS - 1);
		expect(sync.status).toBe('live');
		clock.advance(1);
		expect(sync.status).toBe('stale');
		heartbeat(socket, 10);
		expect(sync.status).toBe('live');
		expect(events).toEqual(['snapshot e1@10', 'live', 'stale', 'live']);
	});

	it('stays live on changes alone, and on heartbeats alone', () => {
		const { socket, clock, events } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10));
		for (let seq = 11; seq < 300; seq++) {
			clock.advance(40);
			socket.changes('e1', upsert(row(String(seq)), seq));
		}
		for (let i = 0; i < 30; i++) {
			clock.advance(1000);
			heartbeat(socket, 299);
		}
		expect(events).toEqual(['snapshot e1@10', 'live']);
	});

	it('keeps a silent link that answers its probe: a node cut off from the log is not redialled', () => {
		const { socket, clock, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 10));
		clock.advance(STALE_AFTER_MS);
		expect(socket.pings).toHaveLength(1);
		socket.pings[0]();
		clock.advance(PROBE_TIMEOUT_MS);
		socket.pings[1]();
		clock.advance(PROBE_TIMEOUT_MS);
		expect(socket.dials).toBe(1);
		expect(sync.status).toBe('stale');
	});

	it('drops a link that does not answer, dials again and resumes from its position', () => {
		let hung = 0;
		const { socket, clock, events, sync } = setup({ hung: () => hung++ });
		socket.connect();
		socket.answer(snapshot('e1', 10));
		socket.changes('e1', upsert(row('1'), 11));
		clock.advance(STALE_AFTER_MS + PROBE_TIMEOUT_MS);
		expect(hung).toBe(1);
		expect(socket.dials).toBe(2);
		expect(socket.lastRequest?.resume).toEqual({ epoch: 'e1', seq: 11 });
		socket.answer(replay('e1', 12, [upsert(row('2'), 12)]));
		expect(sync.status).toBe('live');
		expect(events.slice(2)).toEqual(['stale', 'reconnecting', 'replay e1@12 applied 1', 'live']);
	});

	it('calls a first connection that hangs stale instead of connecting forever', () => {
		const { socket, clock, sync } = setup();
		clock.advance(STALE_AFTER_MS);
		expect(sync.status).toBe('stale');
		expect(socket.pings).toHaveLength(0);
		socket.connect();
		socket.answer(snapshot('e1', 1));
		expect(sync.status).toBe('live');
	});

	it('leaves a closed socket to Socket.IO and stops watching it', () => {
		const { socket, clock, sync } = setup();
		socket.connect();
		socket.answer(snapshot('e1', 1));
		socket.disconnect();
		clock.advance(60_000);
		expect(sync.status).toBe('reconnecting');
		expect(clock.pending).toBe(0);
	});
});
