import type { Interaction, LogPosition } from '$lib/interaction';
import type { DaySumsRequest } from '$lib/queues/day-sums';
import type { SnapshotPart, SubscribeReply } from '$lib/realtime';
import type { RowView, TenantScope } from '../scope';
import { SharedDaySnapshots } from './day-snapshots';
import { sentAs, type RawJson } from './raw-json';
import { SharedReplays, SharedSnapshots } from './snapshots';
import type { LiveSocket, RealtimeDeps } from './types';
import { WorkQueue } from './work-queue';

/**
 * What a socket that has joined its scope room is sent to catch up: the changes it missed or a
 * snapshot, as LiveService.catchUp decides, encoded once per room and shared (snapshots.ts).
 * Catch-ups wait for the socket to have taken what it was sent before, and queue behind each
 * other, so a crowd resubscribing at once neither fills this process's memory nor stalls it.
 */

/**
 * Catch-ups made at once. Each is synchronous work (rows filtered and encoded); one at a time,
 * with the loop's turn between two, keeps a node answering while a crowd resubscribes.
 */
const CATCH_UP_CONCURRENCY = 1;

const SUPERSEDED: SubscribeReply = { ok: false, error: 'Superseded' };

/** One subscribe's catch-up: who asks, for what, and where from. */
export interface CatchUpRequest {
	socket: LiveSocket;
	resolved: TenantScope;
	view: RowView;
	/** The scope room the socket joined: replays and snapshots are shared within it only. */
	room: string;
	resume?: LogPosition;
	/**
	 * `false` (SubscribeRequest.rows): the position only, never rows or changes; the socket
	 * joined no scope room.
	 */
	rows?: boolean;
	/** Whether the socket subscribed again, lost its access or went away meanwhile. */
	superseded: () => boolean;
	/** A screen that only sums the day (the wall): see $lib/queues/day-sums. */
	daySums?: DaySumsRequest;
}

export function createCatchUp(live: RealtimeDeps['live']) {
	const queue = new WorkQueue(CATCH_UP_CONCURRENCY);
	const snapshots = new SharedSnapshots();
	const replays = new SharedReplays();
	const days = new SharedDaySnapshots();

	return async function catchUp(request: CatchUpRequest): Promise<SubscribeReply> {
		const { resolved, view, room, resume, superseded } = request;
		if (request.rows === false) {
			const snapshot = { ...live.position(), tenant: resolved.tenant, serverTime: Date.now(), rows: [] }; // prettier-ignore
			return { ok: true, kind: 'snapshot', snapshot };
		}
		await written(request.socket);
		return queue.run(async () => {
			// The viewer's access changed, it subscribed again or went away while this waited its
			// turn: that path answers it, and this one costs nothing.
			if (superseded()) return SUPERSEDED;
			const roomReplays = replays.room(room);
			const shared = resume && roomReplays.find(resume, live.position());
			if (shared) return { ok: true, ...shared };
			// The room's snapshot encoded a moment ago serves again, with the changes since.
			const dayKey = request.daySums && days.key(room, request.daySums);
			const held = dayKey ? undefined : snapshots.held(room);
			const heldDay = dayKey ? days.held(dayKey) : undefined;
			const caughtUp = await live.catchUp(resolved, resume, view, held ?? heldDay, request.daySums); // prettier-ignore
			if (superseded()) return SUPERSEDED;
			if (caughtUp.kind === 'replay') {
				return { ok: true, ...roomReplays.keep(resume?.seq ?? caughtUp.seq, caughtUp) };
			}
			const { snapshot, changes } = caughtUp;
			if (dayKey) {
				const { snapshot: sent, rest } = days.encode(dayKey, snapshot, Boolean(heldDay && changes)); // prettier-ignore
				return inParts(request, { ok: true, kind: 'snapshot', snapshot: sent, changes }, rest);
			}
			const [first, ...rest] =
				held && changes
					? held.parts
					: snapshots.parts(room, snapshot.epoch, snapshot.seq, newestFirst(snapshot.rows));
			const sent = { ...snapshot, rows: sentAs<Interaction[]>(first) };
			return inParts(request, { ok: true, kind: 'snapshot', snapshot: sent, changes }, rest);
		});
	};
}

type SnapshotReply = Extract<SubscribeReply, { kind: 'snapshot' }>;

/** `reply` (holding the first part), with the `rest` of its parts sent after it (afterReply). */
function inParts(request: CatchUpRequest, reply: SnapshotReply, rest: RawJson[]): SnapshotReply {
	if (rest.length === 0) return reply;
	const id = `${++lastPartsId}`;
	reply.parts = { id, count: rest.length + 1 };
	partsAfter.set(reply, () => sendParts(request, id, rest));
	return reply;
}

/** Ids of snapshots sent in parts, unique in this process (a socket lives on one process). */
let lastPartsId = 0;

/** What a reply in parts still has to send once the reply itself is out (afterReply). */
const partsAfter = new WeakMap<SubscribeReply, () => void>();

/**
 * Sends what must follow `reply` on its socket: the parts after the first of a snapshot sent
 * in parts. Call it right after the reply's ack, so the parts come after it, in order.
 */
export function afterReply(reply: SubscribeReply): void {
	const send = partsAfter.get(reply);
	partsAfter.delete(reply);
	send?.();
}

/** The rest of a snapshot's parts, unless the socket subscribed again or left meanwhile. */
function sendParts({ socket, superseded }: CatchUpRequest, id: string, rest: RawJson[]): void {
	if (superseded()) return;
	rest.forEach((rows, i) => {
		const message: SnapshotPart = { id, part: i + 1, rows: sentAs(rows) };
		socket.emit('live:snapshot', message);
	});
}

/**
 * The grid's default order (Created, newest first), so a snapshot's first part is the top of
 * the grid a screen opens on, and the rest fills below it. Sorted once per room's encoding.
 */
function newestFirst(rows: Interaction[]): Interaction[] {
	if (rows.length <= 1) return rows;
	return rows.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/**
 * Resolves once what the socket was sent before has been handed to the OS: a client that reads
 * slowly, or not at all, is given no further catch-up to hold in this process's memory.
 */
function written(socket: LiveSocket): Promise<void> {
	const { conn } = socket;
	const transport = conn.transport;
	if (transport.writable) return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			transport.off('drain', done);
			conn.off('close', done);
			resolve();
		};
		transport.once('drain', done);
		conn.once('close', done);
	});
}
