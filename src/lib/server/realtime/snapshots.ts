import type { LogPosition, TenantInfo } from '$lib/interaction';
import { SNAPSHOT_PART_ROWS, type CatchUp } from '$lib/realtime';
import { RawJson, sentAs } from './raw-json';

/** How long one encoding of a room's snapshot or replay serves the sockets that ask for it. */
export const SNAPSHOT_SHARE_MS = 2000;

/**
 * What a room's sockets are sent to catch up, serialised once and shared by every socket that
 * asks while it holds. After a restart or a failover, thousands of screens in a few dozen scopes
 * ask at once, and Socket.IO would otherwise serialise each screen's rows (and search them for
 * binary) on its own: 2,000 sockets spent about 16 s of CPU there. A script that floods
 * `live:subscribe` gets the same shared encoding instead of a fresh one per request.
 *
 * The room names the whole scope and the fields sent (scopeRoom), so two sockets share an
 * encoding only when they may see exactly the same rows and changes.
 */
export class RoomEncodings<T extends { at: number }> {
	readonly #byRoom = new Map<string, T>();

	constructor(
		private readonly keepMs: number,
		readonly clock: () => number
	) {}

	/** The room's encoding while it is fresh. */
	get(room: string): T | undefined {
		const shared = this.#byRoom.get(room);
		return shared && this.clock() - shared.at <= this.keepMs ? shared : undefined;
	}

	set(room: string, entry: T): T {
		this.#byRoom.set(room, entry);
		// Let go once the storm is over: kept, every room's snapshot would be a second copy of the
		// live state in memory (about 30 MB with 50,000 in progress).
		const release = setTimeout(() => {
			if (this.#byRoom.get(room) === entry) this.#byRoom.delete(room);
		}, this.keepMs);
		release.unref();
		return entry;
	}

	get size(): number {
		return this.#byRoom.size;
	}
}

/** `rows` as JSON parts of at most `partRows` rows each, in order. Never empty: no rows is one part. */
export function encodeParts(rows: readonly unknown[], partRows = SNAPSHOT_PART_ROWS): RawJson[] {
	const parts: RawJson[] = [];
	for (let start = 0; start === 0 || start < rows.length; start += partRows) {
		parts.push(new RawJson(JSON.stringify(rows.slice(start, start + partRows))));
	}
	return parts;
}

/**
 * Snapshot rows, per scope room and log position, encoded in parts of `partRows` rows: a big
 * tenant's day (51,600 rows) in one message was one JSON.parse of some 20 MB in the browser,
 * seconds of a TV stick's main thread in one task. Each part is encoded once for the room, as
 * the whole snapshot was.
 */
export class SharedSnapshots {
	readonly #rooms: RoomEncodings<{ epoch: string; seq: number; at: number; parts: RawJson[] }>;

	constructor(
		keepMs = SNAPSHOT_SHARE_MS,
		clock: () => number = Date.now,
		private readonly partRows = SNAPSHOT_PART_ROWS
	) {
		this.#rooms = new RoomEncodings(keepMs, clock);
	}

	/**
	 * `rows` (this socket's snapshot at epoch/seq) as JSON parts of at most `partRows` rows, in
	 * the order given, serialised once per room and position. Never empty: no rows is one part.
	 */
	parts(room: string, epoch: string, seq: number, rows: readonly unknown[]): RawJson[] {
		const shared = this.#rooms.get(room);
		if (shared && shared.epoch === epoch && shared.seq === seq) return shared.parts;
		const parts = encodeParts(rows, this.partRows);
		const at = this.#rooms.clock();
		return this.#rooms.set(room, { epoch, seq, at, parts }).parts;
	}

	/** The room's encoding while it is fresh: where it was taken, and its parts. */
	held(room: string): { epoch: string; seq: number; parts: RawJson[] } | undefined {
		return this.#rooms.get(room);
	}

	/** Rooms whose encoding is kept now. */
	get size(): number {
		return this.#rooms.size;
	}
}

export type Replay = Extract<CatchUp, { kind: 'replay' }>;

export interface RoomReplays {
	/**
	 * The room's replay that brings a screen at `resume` to `head`, the log's position now (so no
	 * change after it is missing), or undefined when there is none.
	 */
	find(resume: LogPosition, head: LogPosition): Replay | undefined;
	/** `replay`, read for a screen at `from`, encoded once for the room: what to send. */
	keep(from: number, replay: Replay): Replay;
}

interface SharedReplay {
	epoch: string;
	/** The position the replay starts after. */
	from: number;
	/** The position it brings a screen to. */
	seq: number;
	at: number;
	tenant: TenantInfo;
	changes: RawJson;
}

/**
 * Replays per scope room: one encoding serves every screen of the room resuming from its start
 * or later, as long as the log has not moved on. A screen drops the changes at or below its own
 * position, so a replay from a little earlier brings it to the same place; and a replay is never
 * longer than the room's snapshot (LiveService.catchUp answers those with the snapshot), so
 * sharing one never sends a screen more than a snapshot would.
 */
export class SharedReplays {
	readonly #rooms: RoomEncodings<SharedReplay>;

	constructor(keepMs = SNAPSHOT_SHARE_MS, clock: () => number = Date.now) {
		this.#rooms = new RoomEncodings(keepMs, clock);
	}

	/** The replays of one scope room: only sockets of that room may be sent them. */
	room(room: string): RoomReplays {
		const rooms = this.#rooms;
		return {
			find(resume, head) {
				const shared = rooms.get(room);
				if (!shared || shared.epoch !== head.epoch || resume.epoch !== head.epoch) return undefined;
				if (shared.seq !== head.seq || resume.seq < shared.from || resume.seq > shared.seq) {
					return undefined;
				}
				return toReply(shared);
			},
			keep(from, replay) {
				const { epoch, seq, tenant } = replay;
				const changes = new RawJson(JSON.stringify(replay.changes));
				return toReply(rooms.set(room, { epoch, from, seq, at: rooms.clock(), tenant, changes }));
			}
		};
	}
}

function toReply({ epoch, seq, tenant, changes }: SharedReplay): Replay {
	return { kind: 'replay', epoch, seq, tenant, serverTime: Date.now(), changes: sentAs(changes) };
}
