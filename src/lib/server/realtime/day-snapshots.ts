import type { LogPosition } from '$lib/interaction';
import type { DaySumsRequest, SummedSnapshot } from '$lib/queues/day-sums';
import { RawJson, sentAs } from './raw-json';
import { RoomEncodings, SNAPSHOT_SHARE_MS } from './snapshots';

interface Encoded {
	epoch: string;
	seq: number;
	at: number;
	rows: RawJson;
	day: RawJson;
}

/**
 * Day-sums snapshots ($lib/queues/day-sums), serialised once per scope room, goals and log
 * position, as SharedSnapshots does for whole snapshots: after a failover every wall of a room
 * is sent the one encoding (with the changes since, when it was taken a moment ago).
 */
export class SharedDaySnapshots {
	readonly #rooms: RoomEncodings<Encoded>;

	constructor(keepMs = SNAPSHOT_SHARE_MS, clock: () => number = Date.now) {
		this.#rooms = new RoomEncodings(keepMs, clock);
	}

	/** The key of a room's sums with these goals: only that room's sockets are sent them. */
	key(room: string, request: DaySumsRequest): string {
		return `${room}\u0000day:${JSON.stringify(request.serviceLevelSeconds)}`;
	}

	/** Where the key's encoding was taken, while it is fresh. */
	held(key: string): LogPosition | undefined {
		return this.#rooms.get(key);
	}

	/**
	 * The snapshot to send: `snapshot` encoded (and kept for the key), or, when it is the held
	 * one's position with its rows left empty (LiveService.catchUp's answer to `held`), the
	 * held encoding.
	 */
	encode(key: string, snapshot: SummedSnapshot, fromHeld: boolean): SummedSnapshot {
		const held = this.#rooms.get(key);
		let encoded: Encoded | undefined =
			fromHeld && held && held.epoch === snapshot.epoch && held.seq === snapshot.seq
				? held
				: undefined;
		if (!encoded) {
			if (!snapshot.day) throw new Error('a day-sums snapshot without its sums');
			encoded = this.#rooms.set(key, {
				epoch: snapshot.epoch,
				seq: snapshot.seq,
				at: this.#rooms.clock(),
				rows: new RawJson(JSON.stringify(snapshot.rows)),
				day: new RawJson(JSON.stringify(snapshot.day))
			});
		}
		return { ...snapshot, rows: sentAs(encoded.rows), day: sentAs(encoded.day) };
	}
}
