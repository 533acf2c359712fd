import type { InteractionChange } from '$lib/interaction';
import type { ChangesMessage } from '$lib/realtime';
import { projectChange, viewChange, type RowView, type Scope } from '../scope';
import { RenderPace } from '$lib/live/render-pace';
import type { LiveSocket } from './types';

/**
 * Batched fan-out. The changes of one event-loop turn go out as one `live:changes` message per
 * scope room: projected once per room with the scope rule (projectChange), encoded once by
 * Socket.IO for all the room's sockets, so per-socket work is writing bytes.
 *
 * A socket is in exactly one scope room, named after its whole scope and the fields it is sent. With
 * one room per queue, a supervisor of two queues would get two messages per batch, and could
 * apply a later seq from one before an earlier one from the other — then drop the earlier as
 * already seen. Wall displays have rooms of their own (prefix `wall:`), where rows carry only
 * the board's fields (viewChange).
 */

export function scopeRoom(scope: Scope, view: RowView = 'full'): string {
	const prefix = view === 'wall' ? 'wall:' : '';
	if (scope.queues === 'all') return `${prefix}tenant:${scope.tenantId}`;
	const queues = [...scope.queues].sort((a, b) => a - b).join(',');
	return `${prefix}tenant:${scope.tenantId}:queues:${queues}`;
}

/**
 * Every subscribed socket, whatever its scope: the heartbeat's audience. A socket that is only
 * connected has no live view to keep fresh.
 */
export const LIVE_ROOM = 'live';

/** Takes a socket out of every room but its own: it is sent no live messages. */
export function leaveLiveRooms(socket: LiveSocket): void {
	for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
}

/** Leaves the rooms and forgets the scope: the socket watches nothing until it subscribes again. */
export function stopWatching(socket: LiveSocket): void {
	leaveLiveRooms(socket);
	socket.data.scope = null;
}

export interface FanoutTarget {
	/** Whether any socket of this node is in the room. */
	hasMembers(room: string): boolean;
	emit(room: string, message: ChangesMessage): void;
}

/**
 * How often at most a wall display's room is sent the changes (a screen's room: at every turn of
 * the event loop). A busy tenant's 50 changes a second were 50 messages a second to each TV
 * stick, and receiving one (the browser's IPC, the WebSocket, Socket.IO's decoding, the feed's
 * turn) cost a stick more than drawing its list; the wall draws its list about this often
 * anyway. A quiet tenant's change still goes out at once (RenderPace).
 */
export const WALL_BATCH_MS = 150;

interface RoomAudience {
	scope: Scope;
	view: RowView;
}

export class Fanout {
	readonly #rooms = new Map<string, RoomAudience>();
	/** Changes not yet sent to the screens' rooms (sent after the current event-loop turn). */
	#pending: InteractionChange[] = [];
	/** Changes not yet sent to the wall displays' rooms (sent at WALL_BATCH_MS at most). */
	#wallPending: InteractionChange[] = [];
	#epoch = '';
	#scheduled: NodeJS.Immediate | null = null;
	readonly #wallPace: RenderPace;

	constructor(private readonly target: FanoutTarget) {
		this.#wallPace = new RenderPace(() => this.#flushView('wall'), WALL_BATCH_MS);
	}

	/** The room a socket of this scope and view joins; remembered for projecting into it. */
	roomFor(scope: Scope, view: RowView = 'full'): string {
		const room = scopeRoom(scope, view);
		if (!this.#rooms.has(room)) this.#rooms.set(room, { scope, view });
		return room;
	}

	/**
	 * Queues changes for the next flush: the screens' rooms once the current event-loop turn is
	 * done, the walls' at their pace.
	 */
	push(epoch: string, changes: InteractionChange[]): void {
		if (changes.length === 0) return;
		// One message never mixes epochs: the client compares the message's epoch with its own.
		if (epoch !== this.#epoch) this.flush();
		this.#epoch = epoch;
		for (const change of changes) {
			this.#pending.push(change);
			this.#wallPending.push(change);
		}
		this.#scheduled ??= setImmediate(() => this.#flushView('full'));
		this.#wallPace.request();
	}

	/** Sends what is pending now (also before a resync, so nothing of the old epoch lingers). */
	flush(): void {
		this.#flushView('full');
		// Nothing pending is no send: the walls' next change still goes out at once.
		if (this.#wallPending.length > 0) this.#wallPace.runNow();
	}

	/** Stops the timers; what is pending is not sent. */
	close(): void {
		if (this.#scheduled) clearImmediate(this.#scheduled);
		this.#scheduled = null;
		this.#wallPace.cancel();
	}

	/** Sends what is pending to the rooms of one view. */
	#flushView(view: RowView): void {
		let pending: InteractionChange[];
		if (view === 'wall') {
			pending = this.#wallPending;
			this.#wallPending = [];
		} else {
			if (this.#scheduled) clearImmediate(this.#scheduled);
			this.#scheduled = null;
			pending = this.#pending;
			this.#pending = [];
		}
		if (pending.length === 0) return;
		const byTenant = new Map<number, InteractionChange[]>();
		for (const change of pending) {
			let list = byTenant.get(change.tenantId);
			if (!list) byTenant.set(change.tenantId, (list = []));
			list.push(change);
		}
		for (const [room, audience] of this.#rooms) {
			if (audience.view !== view) continue;
			if (!this.target.hasMembers(room)) {
				this.#rooms.delete(room);
				continue;
			}
			const ofTenant = byTenant.get(audience.scope.tenantId);
			if (!ofTenant) continue;
			// The room's own view: its fields, whichever flush this is.
			const changes = projectAll(ofTenant, audience.scope, audience.view);
			if (changes.length > 0) this.target.emit(room, { epoch: this.#epoch, changes });
		}
	}
}

function projectAll(
	changes: InteractionChange[],
	scope: Scope,
	view: RowView
): InteractionChange[] {
	if (scope.queues === 'all' && view === 'full') return changes;
	const visible: InteractionChange[] = [];
	for (const change of changes) {
		const projected = projectChange(change, scope);
		if (projected) visible.push(viewChange(projected, view));
	}
	return visible;
}
