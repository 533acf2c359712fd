import { RawJson } from './raw-json';

/** How long one encoding of a room's snapshot serves the sockets that ask at that position. */
export const SNAPSHOT_SHARE_MS = 2000;

interface Shared {
	epoch: string;
	seq: number;
	at: number;
	rows: RawJson;
}

/**
 * Snapshot rows serialised once per scope room and log position, for every socket that
 * subscribes while the position holds. After a restart or a failover, thousands of screens in a
 * few dozen scopes ask at once, and Socket.IO would otherwise serialise each screen's rows (and
 * search them for binary) on its own: 2,000 sockets spent about 16 s of CPU there.
 *
 * The room names the whole scope and the fields sent (scopeRoom), so two sockets share rows
 * only when they may see exactly the same ones.
 */
export class SharedSnapshots {
	readonly #byRoom = new Map<string, Shared>();

	constructor(
		private readonly keepMs = SNAPSHOT_SHARE_MS,
		private readonly clock: () => number = Date.now
	) {}

	/** `rows` (this socket's snapshot at epoch/seq) as JSON, serialised once per room and position. */
	rows(room: string, epoch: string, seq: number, rows: readonly unknown[]): RawJson {
		const now = this.clock();
		const shared = this.#byRoom.get(room);
		if (shared && shared.epoch === epoch && shared.seq === seq && now - shared.at <= this.keepMs) {
			return shared.rows;
		}
		const entry: Shared = { epoch, seq, at: now, rows: new RawJson(JSON.stringify(rows)) };
		this.#byRoom.set(room, entry);
		// Let go once the storm is over: kept, every room's snapshot would be a second copy of the
		// live state in memory (about 30 MB with 50,000 in progress).
		const release = setTimeout(() => {
			if (this.#byRoom.get(room) === entry) this.#byRoom.delete(room);
		}, this.keepMs);
		release.unref();
		return entry.rows;
	}

	/** Rooms whose encoding is kept now. */
	get size(): number {
		return this.#byRoom.size;
	}
}
