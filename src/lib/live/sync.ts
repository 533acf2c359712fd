import type { Interaction, InteractionChange, TenantInfo } from '$lib/interaction';
import type { SummedSnapshot } from '$lib/queues/day-sums';
import type {
	ChangesMessage,
	HeartbeatMessage,
	ResyncMessage,
	SnapshotPart,
	SubscribeReply,
	SubscribeRequest
} from '$lib/realtime';
// Relative, not $lib: the bench's load workers run this under tsx, where $lib resolves only
// after svelte-kit sync has written .svelte-kit/tsconfig.json.
import { startOfZonedDay } from '../time/zone';
import { applyChange, dropBeforeToday } from './apply';
import { LinkWatch, type WatchClock } from './link-watch';

/**
 * The client half of the live protocol, written once for the browser (LiveFeed), the
 * integration tests (TestClient) and the bench's socket fleet, so the tests run the code users
 * run. Subscribe, take the snapshot or the replay, drop every change at or below the position
 * reached, apply the rest in order; on reconnect resume from {epoch, seq}; when the log changes
 * epoch, start over with a snapshot. A big snapshot comes in parts (CatchUp's `parts`): each is
 * applied in a task of its own, and the snapshot counts (position, changes, `ready`) once the
 * last is in; changes that arrive meanwhile wait. A server silent past the deadline makes the view stale,
 * and a link that does not answer either is dropped and dialled again (LinkWatch). No runes and
 * no socket of its own: the caller injects one.
 */

/**
 * `stale`: connected (or dialling) but the server has been silent past the deadline, so what
 * is shown may be old. `reconnecting`: the socket is closed and Socket.IO dials again.
 */
export type SyncStatus = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'error';

export type ReplayReply = Extract<SubscribeReply, { kind: 'replay' }>;
type SnapshotReply = Extract<SubscribeReply, { kind: 'snapshot' }>;

/**
 * The part of a socket.io-client Socket used here, so tests can hand in a fake. Overloads, not
 * one generic signature: Socket's own generic `on` only matches them one event at a time.
 */
export interface SyncSocket {
	readonly connected: boolean;
	on(event: 'connect' | 'disconnect', listener: () => void): unknown;
	on(event: 'live:resync', listener: (message: ResyncMessage) => void): unknown;
	on(event: 'live:changes', listener: (message: ChangesMessage) => void): unknown;
	on(event: 'live:heartbeat', listener: (message: HeartbeatMessage) => void): unknown;
	on(event: 'live:snapshot', listener: (message: SnapshotPart) => void): unknown;
	off(event: 'connect' | 'disconnect', listener: () => void): unknown;
	off(event: 'live:resync', listener: (message: ResyncMessage) => void): unknown;
	off(event: 'live:changes', listener: (message: ChangesMessage) => void): unknown;
	off(event: 'live:heartbeat', listener: (message: HeartbeatMessage) => void): unknown;
	off(event: 'live:snapshot', listener: (message: SnapshotPart) => void): unknown;
	emit(
		event: 'live:subscribe',
		request: SubscribeRequest,
		ack: (reply: SubscribeReply) => void
	): unknown;
	emit(event: 'live:ping', ack: () => void): unknown;
	connect(): unknown;
	disconnect(): unknown;
}

/** Ways to watch the protocol; every hook runs after the state it reports is in place. */
export interface SyncHooks {
	/**
	 * Rows of a snapshot were put in place: `first`, the reply's, replaced every row (when
	 * owned); the others were added. The snapshot is not whole until `snapshot`.
	 */
	part?(rows: readonly Interaction[], first: boolean): void;
	/** A snapshot is whole (every part in, `rows` all of them) and set the position. */
	snapshot?(snapshot: SummedSnapshot): void;
	/** A resume was answered with the missed changes; `applied` of them were new. */
	replay?(reply: ReplayReply, applied: number): void;
	/** One change was applied; `before` is its row until then (undefined without a row map). */
	change?(change: InteractionChange, before: Interaction | undefined): void;
	error?(message: string): void;
	status?(status: SyncStatus): void;
	/** The server spoke (changes, heartbeat, a reply); serverTime when the message carries it. */
	heard?(serverTime?: number): void;
	/** The link went silent and did not answer a probe: it is being dropped and dialled again. */
	hung?(): void;
	/** The server asked for a fresh subscribe (access changed, the log restarted), and why. */
	resync?(reason: string): void;
}

export interface SyncOptions {
	request?: Omit<SubscribeRequest, 'resume'>;
	/** Rows to keep current. Without it only the position is tracked (the bench's light mode). */
	rows?: Map<string, Interaction>;
	hooks?: SyncHooks;
	/** The deadline's clock and timers (tests drive them by hand). */
	clock?: WatchClock;
	/**
	 * Runs `task` in a later task of the event loop, after what is queued (input, frames): how
	 * the parts of a snapshot are applied one task each. Default: nextTask.
	 */
	defer?: (task: () => void) => void;
}

/** A snapshot whose parts are still coming: its reply, and the parts not yet applied. */
interface PartsInFlight {
	reply: SnapshotReply;
	id: string;
	count: number;
	/** The next part to apply. */
	next: number;
	received: Map<number, Interaction[]>;
	rows: Interaction[][];
	scheduled: boolean;
}

export class LiveSync {
	#socket: SyncSocket | null = null;
	#request: Omit<SubscribeRequest, 'resume'>;
	readonly #rows: Map<string, Interaction> | undefined;
	readonly #hooks: SyncHooks;
	#epoch: string | null = null;
	#seq = 0;
	#ready = false;
	/** Messages that arrived while a subscribe awaited its reply, handled right after it. */
	#pending: ChangesMessage[] = [];
	/** Only the reply to the latest subscribe counts; an earlier one describes a stale request. */
	#generation = 0;
	#tenant: TenantInfo | null = null;
	#todayStartMs = 0;
	#status: SyncStatus = 'connecting';
	readonly #watch: LinkWatch;
	readonly #defer: (task: () => void) => void;
	/** A snapshot whose parts are coming; the rows are partial until they are all in. */
	#parts: PartsInFlight | null = null;
	/** The rows are a whole snapshot's (or none yet): a resume from the position is sound. */
	#whole = true;

	constructor(socket: SyncSocket | null, options: SyncOptions = {}) {
		this.#request = options.request ?? {};
		this.#rows = options.rows;
		this.#hooks = options.hooks ?? {};
		this.#defer = options.defer ?? nextTask;
		this.#watch = new LinkWatch(
			{ stale: this.#onStale, probe: this.#probe, hung: this.#onHung },
			options.clock
		);
		if (socket) this.attach(socket);
	}

	get epoch(): string | null {
		return this.#epoch;
	}
	/** The last sequence reflected: nothing at or below it will be applied. */
	get seq(): number {
		return this.#seq;
	}
	/** Subscribed and applying changes as they come. */
	get ready(): boolean {
		return this.#ready;
	}
	get tenant(): TenantInfo | null {
		return this.#tenant;
	}
	get status(): SyncStatus {
		return this.#status;
	}
	/** Whether rows are asked for (SubscribeRequest.rows), or only the position. */
	get followsRows(): boolean {
		return this.#request.rows !== false;
	}

	/**
	 * Asks for the rows again, or stops (`false`: the position and heartbeats only, as a
	 * replay's screen needs): a fresh subscribe when that changes.
	 */
	followRows(follow: boolean): void {
		if (follow === this.followsRows) return;
		const request = { ...this.#request };
		if (follow) delete request.rows;
		else request.rows = false;
		this.#request = request;
		this.subscribe(false);
	}

	/** Follows this socket from now on (e.g. a restarted server's), keeping the position. */
	attach(socket: SyncSocket): void {
		this.detach();
		this.#socket = socket;
		socket.on('connect', this.#onConnect);
		socket.on('disconnect', this.#onDisconnect);
		socket.on('live:changes', this.#onChanges);
		socket.on('live:resync', this.#onResync);
		socket.on('live:heartbeat', this.#onHeartbeat);
		socket.on('live:snapshot', this.#onPart);
		// From now, not from the connection: a first dial that hangs must read as stale too.
		this.#watch.start();
		if (socket.connected) this.subscribe(true);
	}

	detach(): void {
		const socket = this.#socket;
		if (!socket) return;
		socket.off('connect', this.#onConnect);
		socket.off('disconnect', this.#onDisconnect);
		socket.off('live:changes', this.#onChanges);
		socket.off('live:resync', this.#onResync);
		socket.off('live:heartbeat', this.#onHeartbeat);
		socket.off('live:snapshot', this.#onPart);
		this.#socket = null;
		this.#parts = null;
		this.#ready = false;
		this.#watch.stop();
	}

	/** Asks for the live view: with `resume`, only what was missed since the position. */
	subscribe(resume: boolean): void {
		const socket = this.#socket;
		if (!socket) return;
		this.#ready = false;
		this.#pending = [];
		this.#parts = null;
		const generation = ++this.#generation;
		const request: SubscribeRequest = { ...this.#request };
		// Rows cut short by a lost link or a new subscribe start over: a resume would add the
		// changes since to a part of a snapshot. Without rows there is nothing to resume.
		if (resume && this.#epoch !== null && this.#whole && this.followsRows) {
			request.resume = { epoch: this.#epoch, seq: this.#seq };
		}
		socket.emit('live:subscribe', request, (reply) => {
			if (generation === this.#generation) this.#onReply(reply);
		});
	}

	/**
	 * Moves to the tenant's day that contains `serverNowMs`, dropping the closed rows of the day
	 * before. Returns how many rows were dropped.
	 */
	rollover(serverNowMs: number): number {
		if (!this.#tenant) return 0;
		const todayStart = startOfZonedDay(serverNowMs, this.#tenant.timezone);
		if (todayStart === this.#todayStartMs) return 0;
		this.#todayStartMs = todayStart;
		return this.#rows ? dropBeforeToday(this.#rows, todayStart) : 0;
	}

	#setStatus(status: SyncStatus): void {
		this.#status = status;
		this.#hooks.status?.(status);
	}

	#onConnect = (): void => {
		this.#watch.start();
		this.subscribe(true);
	};

	#onDisconnect = (): void => {
		this.#ready = false;
		// Socket.IO dials again by itself; a hung dial is its connect timeout's to end.
		this.#watch.stop();
		this.#setStatus('reconnecting');
	};

	#heard(serverTime?: number): void {
		const wasStale = this.#watch.heard();
		this.#hooks.heard?.(serverTime);
		if (wasStale && this.#ready && this.#status === 'stale') this.#setStatus('live');
	}

	#onStale = (): void => {
		// Closed or refused already says more; those screens are not live either.
		if (this.#status === 'live' || this.#status === 'connecting') this.#setStatus('stale');
	};

	#probe = (answered: () => void): boolean => {
		const socket = this.#socket;
		if (!socket?.connected) return false;
		socket.emit('live:ping', answered);
		return true;
	};

	/** Drops the dead link and dials at once; the new connection resumes from the position. */
	#onHung = (): void => {
		const socket = this.#socket;
		if (!socket) return;
		this.#hooks.hung?.();
		socket.disconnect();
		socket.connect();
	};

	#onChanges = (message: ChangesMessage): void => {
		this.#heard();
		if (!this.#ready) return void this.#pending.push(message);
		this.#receive(message);
	};

	#onResync = (message?: ResyncMessage): void => {
		this.subscribe(false);
		this.#hooks.resync?.(message?.reason ?? '');
	};

	#onHeartbeat = ({ epoch, serverTime }: HeartbeatMessage): void => {
		this.#heard(serverTime);
		if (this.#ready && epoch !== this.#epoch) this.subscribe(false);
	};

	#onReply(reply: SubscribeReply): void {
		this.#heard(serverTimeOf(reply));
		if (!reply.ok) {
			this.#pending = [];
			this.#setStatus('error');
			this.#hooks.error?.(reply.error);
			return;
		}
		if (reply.kind === 'snapshot') {
			const { snapshot } = reply;
			this.#whole = false;
			if (this.#rows) {
				this.#rows.clear();
				for (const row of snapshot.rows) this.#rows.set(row.id, row);
			}
			this.#hooks.part?.(snapshot.rows, true);
			if (reply.parts && reply.parts.count > 1) {
				const { id, count } = reply.parts;
				const received = new Map<number, Interaction[]>();
				this.#parts = { reply, id, count, next: 1, received, rows: [snapshot.rows], scheduled: false }; // prettier-ignore
				return;
			}
			this.#snapshotWhole(reply, snapshot.rows);
			return;
		}
		this.#epoch = reply.epoch;
		this.#tenant = reply.tenant;
		this.rollover(reply.serverTime);
		const applied = this.#apply(reply.changes);
		// The replay holds only what this scope may see: the log may have moved further with
		// changes for others, and the next resume must start after those too.
		this.#seq = Math.max(this.#seq, reply.seq);
		this.#hooks.replay?.(reply, applied);
		this.#goLive();
	}

	/** A part after the first: kept, and applied in a task of its own (#applyParts). */
	#onPart = (message: SnapshotPart): void => {
		this.#heard();
		const parts = this.#parts;
		if (!parts || message.id !== parts.id) return;
		parts.received.set(message.part, message.rows);
		this.#scheduleParts(parts);
	};

	#scheduleParts(parts: PartsInFlight): void {
		if (parts.scheduled || !parts.received.has(parts.next)) return;
		parts.scheduled = true;
		this.#defer(() => {
			parts.scheduled = false;
			if (this.#parts === parts) this.#applyPart(parts);
		});
	}

	/** Applies the next part only, then yields: the page stays responsive while the day comes in. */
	#applyPart(parts: PartsInFlight): void {
		const rows = parts.received.get(parts.next);
		if (!rows) return;
		parts.received.delete(parts.next);
		parts.next++;
		parts.rows.push(rows);
		if (this.#rows) for (const row of rows) this.#rows.set(row.id, row);
		this.#hooks.part?.(rows, false);
		if (parts.next < parts.count) return this.#scheduleParts(parts);
		this.#parts = null;
		this.#snapshotWhole(parts.reply, parts.rows.flat());
	}

	/** Every row of a snapshot is in: its position, the changes since it, then live. */
	#snapshotWhole(reply: SnapshotReply, rows: Interaction[]): void {
		const { snapshot } = reply;
		this.#whole = true;
		this.#epoch = snapshot.epoch;
		this.#seq = snapshot.seq;
		this.#tenant = snapshot.tenant;
		this.#todayStartMs = startOfZonedDay(snapshot.serverTime, snapshot.tenant.timezone);
		// What changed since the snapshot was taken (it may be one taken a moment ago).
		if (reply.changes) this.#apply(reply.changes);
		this.#hooks.snapshot?.(rows === snapshot.rows ? snapshot : { ...snapshot, rows });
		this.#goLive();
	}

	#goLive(): void {
		this.#ready = true;
		this.#setStatus('live');
		const pending = this.#pending;
		this.#pending = [];
		for (const message of pending) if (!this.#receive(message)) break;
	}

	/** Applies a message of the current epoch; another epoch means starting over. */
	#receive(message: ChangesMessage): boolean {
		if (message.epoch !== this.#epoch) {
			this.subscribe(false);
			return false;
		}
		this.#apply(message.changes);
		return true;
	}

	#apply(changes: InteractionChange[]): number {
		let applied = 0;
		for (const change of changes) {
			if (change.seq <= this.#seq) continue;
			const before = this.#rows?.get(change.id);
			if (this.#rows) applyChange(this.#rows, change, this.#todayStartMs);
			this.#seq = change.seq;
			applied++;
			this.#hooks.change?.(change, before);
		}
		return applied;
	}
}

/**
 * Runs `task` in a task of its own, after what the browser has queued (input, a frame): a
 * MessageChannel's message is not clamped as nested timers are. setImmediate in Node.
 */
export function nextTask(task: () => void): void {
	if (typeof MessageChannel === 'undefined' || typeof window === 'undefined') {
		if (typeof setImmediate === 'function') setImmediate(task);
		else setTimeout(task, 0);
		return;
	}
	taskQueue.push(task);
	if (taskQueue.length > 1) return;
	channel ??= new MessageChannel();
	channel.port1.onmessage = () => {
		const next = taskQueue.shift();
		if (taskQueue.length > 0) channel?.port2.postMessage(null);
		next?.();
	};
	channel.port2.postMessage(null);
}

let channel: MessageChannel | undefined;
const taskQueue: (() => void)[] = [];

function serverTimeOf(reply: SubscribeReply): number | undefined {
	if (!reply.ok) return undefined;
	return reply.kind === 'snapshot' ? reply.snapshot.serverTime : reply.serverTime;
}
