import type { InteractionChange } from '$lib/interaction';
import type { ChangesMessage } from '$lib/realtime';
import { projectChange, viewChange, type RowView, type Scope } from '../scope';
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

interface RoomAudience {
	scope: Scope;
	view: RowView;
}

export class Fanout {
	readonly #rooms = new Map<string, RoomAudience>();
	#pending: InteractionChange[] = [];
	#epoch = '';
	#scheduled: NodeJS.Immediate | null = null;

	constructor(private readonly target: FanoutTarget) {}

	/** The room a socket of this scope and view joins; remembered for projecting into it. */
	roomFor(scope: Scope, view: RowView = 'full'): string {
		const room = scopeRoom(scope, view);
		if (!this.#rooms.has(room)) this.#rooms.set(room, { scope, view });
		return room;
	}

	/** Queues changes for the next flush, which runs once the current event-loop turn is done. */
	push(epoch: string, changes: InteractionChange[]): void {
		if (changes.length === 0) return;
		// One message never mixes epochs: the client compares the message's epoch with its own.
		if (epoch !== this.#epoch) this.flush();
		this.#epoch = epoch;
		for (const change of changes) this.#pending.push(change);
		this.#scheduled ??= setImmediate(() => this.flush());
	}

	/** Sends what is pending now (also before a resync, so nothing of the old epoch lingers). */
	flush(): void {
		if (this.#scheduled) clearImmediate(this.#scheduled);
		this.#scheduled = null;
		const pending = this.#pending;
		this.#pending = [];
		if (pending.length === 0) return;
		const byTenant = new Map<number, InteractionChange[]>();
		for (const change of pending) {
			let list = byTenant.get(change.tenantId);
			if (!list) byTenant.set(change.tenantId, (list = []));
			list.push(change);
		}
		for (const [room, { scope, view }] of this.#rooms) {
			if (!this.target.hasMembers(room)) {
				this.#rooms.delete(room);
				continue;
			}
			const ofTenant = byTenant.get(scope.tenantId);
			if (!ofTenant) continue;
			const changes = projectAll(ofTenant, scope, view);
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
