import type { LogPosition } from '$lib/interaction';
import type { DaySumsRequest, SubscribeReply } from '$lib/realtime';
import type { RowView, TenantScope } from '../scope';
import { SharedDaySnapshots } from './day-snapshots';
import { sentAs } from './raw-json';
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
				const sent = days.encode(dayKey, snapshot, Boolean(heldDay && changes));
				return { ok: true, kind: 'snapshot', snapshot: sent, changes };
			}
			const rows =
				held && changes
					? held.rows
					: snapshots.rows(room, snapshot.epoch, snapshot.seq, snapshot.rows);
			return { ok: true, kind: 'snapshot', snapshot: { ...snapshot, rows: sentAs(rows) }, changes };
		});
	};
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
