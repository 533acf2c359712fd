import * as v from 'valibot';
import type { AlertClientEvents, AlertServerEvents } from './alerts';
import type { Interaction, InteractionChange, LogPosition, TenantInfo } from './interaction';

import { DaySumsRequestSchema, type SummedSnapshot } from './queues/day-sums';

/** The Socket.IO contract, defined once for the server and the browser. */

export const SubscribeRequestSchema = v.strictObject({
	/** Platform admins pick the tenant; everyone else may omit it (their own). */
	tenantId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
	/** Narrow the live view to these queues; never wider than the viewer's scope. */
	queueIds: v.optional(
		v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.maxLength(500))
	),
	/**
	 * A screen that only sums the day (the wall): its snapshot carries the rows in progress and
	 * the closed rows' sums per queue ($lib/queues/day-sums), not the closed rows themselves.
	 */
	daySums: v.optional(DaySumsRequestSchema),
	/**
	 * `false`: the position and the heartbeats, never rows or changes. A replay of a past
	 * moment (`?at=`) keeps the socket for its alerts and its connection state, and would
	 * otherwise be sent the whole live day it never shows (issue 25).
	 */
	rows: v.optional(v.boolean()),
	/** Where this client left off, to receive only what it missed. */
	resume: v.optional(
		v.strictObject({
			epoch: v.pipe(v.string(), v.maxLength(64)),
			seq: v.pipe(v.number(), v.integer(), v.minValue(0))
		})
	)
});
export type SubscribeRequest = v.InferOutput<typeof SubscribeRequestSchema>;

/** How a subscriber is brought up to date: a fresh snapshot, or the changes it missed. */
export type CatchUp =
	| {
			kind: 'snapshot';
			snapshot: SummedSnapshot;
			/**
			 * Changes after the snapshot's seq, in order: apply them after its rows. A snapshot
			 * encoded a moment ago for the same scope is sent again with what changed since,
			 * rather than encoded afresh for every screen.
			 */
			changes?: InteractionChange[];
			/**
			 * A big snapshot comes in parts: `snapshot.rows` holds the first, and `count - 1`
			 * `live:snapshot` messages of this `id` follow it in order (SnapshotPart). The
			 * snapshot, and `changes`, apply once every part is in; `live:changes` that arrive
			 * meanwhile wait, as they do for the reply itself.
			 */
			parts?: { id: string; count: number };
	  }
	| {
			kind: 'replay';
			epoch: string;
			/** The sequence the screen is current up to (changes outside its scope are left out). */
			seq: number;
			tenant: TenantInfo;
			serverTime: number;
			changes: InteractionChange[];
	  };

export type SubscribeReply = ({ ok: true } & CatchUp) | { ok: false; error: string };

export interface ChangesMessage {
	epoch: string;
	changes: InteractionChange[];
}

/**
 * One part after the first of a snapshot sent in parts: its rows, all at the snapshot's
 * position. Parts are sent in order, the first screenful of the default order (newest first)
 * in the reply itself, so the grid's top fills first.
 */
export interface SnapshotPart {
	/** The `parts.id` of the reply this part belongs to: a later subscribe's parts differ. */
	id: string;
	/** 1 to count - 1. */
	part: number;
	rows: Interaction[];
}

/**
 * Rows per part of a snapshot. A part is parsed by Socket.IO in one task of the browser and
 * applied in the next: 1,000 rows (some 450 kB) took about 10 ms to parse and 10 ms to apply
 * at 4× CPU throttle on the bench machine. Applying a part now also merges it into the grid's
 * order and the strip's tally (LiveFeed), and a busy machine stretches each task two to five
 * times while the day streams in (Lighthouse counts the stretched time): 250 rows keep both
 * tasks near 1.5 ms of the main thread unthrottled (500: near 3 ms), under a long task at 4×
 * even stretched threefold.
 */
export const SNAPSHOT_PART_ROWS = 250;

export interface HeartbeatMessage extends LogPosition {
	serverTime: number;
}

/** The live feed's events and the alerts' ($lib/alerts.ts), on the one socket of a page. */
export interface ServerToClientEvents extends AlertServerEvents {
	'live:changes': (message: ChangesMessage) => void;
	/** The log restarted (e.g. after a lost binlog position): subscribe again for a snapshot. */
	'live:resync': (message: ResyncMessage) => void;
	/** The parts after the first of a snapshot sent in parts (CatchUp's `parts`). */
	'live:snapshot': (message: SnapshotPart) => void;
	'live:heartbeat': (message: HeartbeatMessage) => void;
	/** Signed out, disabled, token revoked: the socket is about to close. */
	'session:ended': (message: { reason: string }) => void;
}

export interface ClientToServerEvents extends AlertClientEvents {
	'live:subscribe': (request: unknown, reply: (reply: SubscribeReply) => void) => void;
	'live:unsubscribe': (reply?: (reply: { ok: boolean }) => void) => void;
	/** Asked only by a client that heard nothing for a while: is the link itself still alive? */
	'live:ping': (reply: () => void) => void;
}

/**
 * How often the server sends every subscribed socket a heartbeat, so that a client can tell a
 * silent server within a few seconds ($lib/live/link-watch.ts). One small message per socket
 * per interval; the bench's fan-out suite measures it at 2,000 sockets: every second would
 * cost about 3% of a core, every 2 s stays under 2%.
 */
export const HEARTBEAT_INTERVAL_MS = 2000;

/** Why the server asks a screen to subscribe afresh. */
export interface ResyncMessage {
	reason: string;
}

/**
 * The `data.code` of a handshake refused because its sign-in or wall-display link has as many
 * sockets open as it may (`data.retryAfterMs`: when to try again); the message says why.
 */
export const TOO_MANY_SOCKETS = 'too-many-sockets';

export interface RefusedHandshakeData {
	code: typeof TOO_MANY_SOCKETS;
	retryAfterMs: number;
}

/** The resync reason of a viewer whose access changed (queues re-assigned): the page reloads its options. */
export const ACCESS_CHANGED_REASON = 'Your access changed';
