import type { InteractionChange } from '$lib/interaction';
import type { ChangesMessage } from '$lib/realtime';
import { projectChange, type Scope } from '../scope';

/**
 * Batched fan-out. The changes of one event-loop turn go out as one `live:changes` message per
 * scope room: projected once per room with the scope rule (projectChange), encoded once by
 * Socket.IO for all the room's sockets, so per-socket work is writing bytes.
 *
 * A socket is in exactly one room, named after its whole scope. With one room per queue, a
 * supervisor of two queues would get two messages per batch, and could apply a later seq from
 * one before an earlier one from the other — then drop the earlier as already seen.
 */

export function scopeRoom(scope: Scope): string {
	if (scope.queues === 'all') return `tenant:${scope.tenantId}`;
	const queues = [...scope.queues].sort((a, b) => a - b).join(',');
	return `tenant:${scope.tenantId}:queues:${queues}`;
}

export interface FanoutTarget {
	/** Whether any socket of this node is in the room. */
	hasMembers(room: string): boolean;
	emit(room: string, message: ChangesMessage): void;
}

export class Fanout {
	readonly #scopes = new Map<string, Scope>();
	#pending: InteractionChange[] = [];
	#epoch = '';
	#scheduled: NodeJS.Immediate | null = null;

	constructor(private readonly target: FanoutTarget) {}

	/** The room a socket of this scope joins; the scope is remembered for projecting into it. */
	roomFor(scope: Scope): string {
		const room = scopeRoom(scope);
		if (!this.#scopes.has(room)) this.#scopes.set(room, scope);
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
		for (const [room, scope] of this.#scopes) {
			if (!this.target.hasMembers(room)) {
				this.#scopes.delete(room);
				continue;
			}
			const ofTenant = byTenant.get(scope.tenantId);
			if (!ofTenant) continue;
			const changes = scope.queues === 'all' ? ofTenant : projectAll(ofTenant, scope);
			if (changes.length > 0) this.target.emit(room, { epoch: this.#epoch, changes });
		}
	}
}

function projectAll(changes: InteractionChange[], scope: Scope): InteractionChange[] {
	const visible: InteractionChange[] = [];
	for (const change of changes) {
		const projected = projectChange(change, scope);
		if (projected) visible.push(projected);
	}
	return visible;
}
