import type { LogPosition } from '$lib/interaction';
import type { DaySumsRequest, SummedSnapshot } from '$lib/queues/day-sums';
import { SNAPSHOT_PART_ROWS } from '$lib/realtime';
import { RawJson, sentAs } from './raw-json';
import { encodeParts, RoomEncodings, SNAPSHOT_SHARE_MS } from './snapshots';

interface Encoded {
	epoch: string;
	seq: number;
	at: number;
	/** The rows in progress, in parts (the first goes in the reply, with the sums). */
	parts: RawJson[];
	day: RawJson;
}

/** A day-sums snapshot to send: the reply's (the sums and the first part), then the other parts. */
export interface DaySnapshotParts {
	snapshot: SummedSnapshot;
	rest: RawJson[];
}

/**
 * Day-sums snapshots ($lib/queues/day-sums), serialised once per scope room, goals and log
 * position, as SharedSnapshots does for whole snapshots: after a failover every wall of a room
 * is sent the one encoding (with the changes since, when it was taken a moment ago).
 */
export class SharedDaySnapshots {
	readonly #rooms: RoomEncodings<Encoded>;

	constructor(
		keepMs = SNAPSHOT_SHARE_MS,
		clock: () => number = Date.now,
		private readonly partRows = SNAPSHOT_PART_ROWS
	) {
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
	 * held encoding. Its rows in progress come in parts, as a screen's whole snapshot does: a big
	 * tenant's 1,600 (840 kB) in the wall's first message with the sums were most of a TV
	 * stick's longest task on opening (issue 26).
	 */
	encode(key: string, snapshot: SummedSnapshot, fromHeld: boolean): DaySnapshotParts {
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
				parts: encodeParts(snapshot.rows, this.partRows),
				day: new RawJson(JSON.stringify(snapshot.day))
			});
		}
		const [first, ...rest] = encoded.parts;
		return { snapshot: { ...snapshot, rows: sentAs(first), day: sentAs(encoded.day) }, rest };
	}
}
