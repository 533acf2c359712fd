import { io, type Socket } from 'socket.io-client';
import type { Interaction, InteractionChange, TenantInfo } from '$lib/interaction';
import type { DaySums, DaySumsRequest } from '$lib/queues/day-sums';
import {
	ACCESS_CHANGED_REASON,
	TOO_MANY_SOCKETS,
	type ClientToServerEvents,
	type RefusedHandshakeData,
	type ServerToClientEvents
} from '$lib/realtime';
import { currentUntil, dataTime, type DataClock } from './data-time';
import { FiguresPace, RenderPace } from './render-pace';
import { FrameChanges } from './sorted-rows';
import { LiveSync, type SyncStatus } from './sync';

/** How often at most counts and tiles follow the rows (see LiveFeed.figuresVersion). */
export const FIGURES_INTERVAL_MS = 250;

/** LiveSync's status, and `ended`: signed out or revoked, final. */
export type FeedStatus = SyncStatus | 'ended';

export interface FeedOptions {
	tenantId?: number;
	queueIds?: number[];
	wallToken?: string;
	/**
	 * Ask for the day's closed rows summed ($lib/queues/day-sums; the wall). Read at every
	 * subscribe, so a change to it applies from the next (`resubscribe`).
	 */
	daySums?: DaySumsRequest;
	/** Each change as it is applied (a snapshot's and a replay's too). */
	onChange?: (change: InteractionChange) => void;
	/** `false`: the position, heartbeats and alerts only, no rows (a replay's screen). */
	rows?: boolean;
	/**
	 * Render at most this often (a timer, RenderPace) instead of once per animation frame: a
	 * screen drawn at its own slower pace (the wall's list) need not wake every frame; 0 draws
	 * in the task after a change (the live grid).
	 */
	renderEveryMs?: number;
}

/**
 * The browser's live rows as Svelte state. The protocol (snapshot, changes in order, resume on
 * reconnect, start over on a new epoch) is LiveSync's; this class owns the socket, the
 * session's end, the clock and the highlights, and batches renders at the screen's pace (one
 * per animation frame unless FeedOptions.renderEveryMs says otherwise).
 */
export class LiveFeed {
	status = $state<FeedStatus>('connecting');
	error = $state<string | null>(null);
	tenant = $state<TenantInfo | null>(null);
	/** Bumped once per frame in which rows changed; read it to re-derive views. */
	version = $state(0);
	/**
	 * The rows are a whole snapshot's, kept current. False while a snapshot's parts come in:
	 * the rows are then a part of the day, and figures of them must not read as the day's.
	 */
	whole = $state(false);
	/**
	 * Bumped at most every FIGURES_INTERVAL_MS while rows change, in a render of the rows
	 * (FiguresPace) and always after the last change: figures people read rather than watch
	 * move (counts, tiles) re-derive from it, so a busy tenant's frames go to the rows.
	 */
	figuresVersion = $state(0);
	/** Browser clock minus server clock, in ms: subtract from Date.now() for server time. */
	clockSkewMs = $state(0);
	/**
	 * When the server was last heard from (any message), in browser time. A read tracks it only
	 * while the feed is not live: what reads it then (currentUntil, the wall's freshness) reads
	 * the status too, or reads it untracked. Signalled at every message, it was a Svelte batch
	 * (ten maps and sets, a microtask) per message, 200 a second on a busy tenant (issue 26).
	 */
	get lastHeardAt(): number {
		void this.#heardSignal;
		return this.#lastHeardAt;
	}
	#lastHeardAt = 0;
	/** Bumped when the server is heard while the feed is not live. */
	#heardSignal = $state(0);
	/**
	 * How many times the subscription was put in place: first, after each reconnect, after a
	 * resync. What else the page asks on the socket in the subscription's scope (its alerts)
	 * asks again when this moves.
	 */
	subscriptions = $state(0);
	/** How often the server said this viewer's access changed (its queues were re-assigned). */
	accessChanges = $state(0);
	/**
	 * Not a SvelteMap on purpose: 200 changes/s would each trigger work; views re-derive once
	 * per frame from `version` instead.
	 */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly rows = new Map<string, Interaction>();
	/** When each row last changed status (browser ms), for a brief highlight in the grid. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly statusChangedAt = new Map<string, number>();
	/** The last snapshot's sums of the closed rows, when asked for (FeedOptions.daySums). */
	day: DaySums | null = null;

	#socket: Socket<ServerToClientEvents, ClientToServerEvents>;
	#sync: LiveSync;
	readonly #pace: RenderPace;
	readonly #changes = new FrameChanges();
	readonly #figures: FiguresPace;
	#figuresNow = false;
	#redial: ReturnType<typeof setTimeout> | undefined;

	constructor(options: FeedOptions = {}) {
		this.#pace = new RenderPace(() => this.#flush(), options.renderEveryMs);
		// Due figures wait for the next render of the rows, at most a render's interval.
		this.#figures = new FiguresPace(
			() => this.figuresVersion++,
			FIGURES_INTERVAL_MS,
			options.renderEveryMs ?? 20
		);
		this.#socket = io({
			transports: ['websocket'],
			auth: options.wallToken ? { wallToken: options.wallToken } : {},
			reconnectionDelay: 500,
			reconnectionDelayMax: 10_000,
			// A dial made while the link was down can hang as the old link did: try again sooner
			// than Socket.IO's 20 s.
			timeout: 8_000,
			// Dialled in a task of its own (below): opening the socket was some 11 ms of the
			// page's hydration task, about 45 ms of a TV stick's, all of it blocking time.
			autoConnect: false
		});
		this.#socket.on('connect_error', (error: Error & { data?: Partial<RefusedHandshakeData> }) => {
			if (error.message === 'unauthorized') {
				this.status = 'ended';
				this.error = 'Signed out';
				this.#socket.disconnect();
			} else if (error.data?.code === TOO_MANY_SOCKETS) {
				// Refused by the server, so Socket.IO will not dial again: try later ourselves, as
				// another screen of this sign-in may have closed by then.
				this.status = 'error';
				this.error = error.message;
				clearTimeout(this.#redial);
				this.#redial = setTimeout(() => this.#socket.connect(), error.data.retryAfterMs);
			} else {
				this.status = 'reconnecting';
			}
		});
		this.#socket.on('session:ended', ({ reason }) => {
			this.status = 'ended';
			this.error = reason;
		});
		this.#sync = new LiveSync(this.#socket, {
			request: {
				tenantId: options.tenantId,
				queueIds: options.queueIds,
				...(options.daySums && { daySums: options.daySums }),
				...(options.rows === false && { rows: false })
			},
			rows: this.rows,
			hooks: {
				heard: (serverTime) => {
					this.#lastHeardAt = Date.now();
					// Not while live: see lastHeardAt. A feed going stale or back to live changes its
					// status, which every tracked reader of it reads.
					if (this.status !== 'live') this.#heardSignal++;
					if (serverTime !== undefined) this.clockSkewMs = Date.now() - serverTime;
				},
				status: (status) => {
					// Ended is final: a late disconnect must not turn it back into "reconnecting".
					if (this.status === 'ended') return;
					this.status = status;
					if (status === 'live') this.error = null;
				},
				error: (message) => (this.error = message),
				resync: (reason) => {
					if (reason === ACCESS_CHANGED_REASON) this.accessChanges++;
				},
				part: (rows, first) => {
					// The first part replaces every row; each later one adds its rows, so the sorted
					// grid and the strip's tally take them in part by part, not all in one task.
					if (first) {
						this.whole = false;
						this.statusChangedAt.clear();
						this.#changes.touchedAll();
						this.#render();
						return;
					}
					// Counted in now, in the part's own task (LiveSync applies one part a task): the
					// grid's merge and the strip's tally then take one part's rows at a time, however
					// many parts a slow screen's frame would have gathered (issue 26: a frame of
					// twenty parts was a task of 70–200 ms on a 4× slower CPU).
					for (const row of rows) this.#changes.touched(row.id);
					this.#renderNow();
				},
				snapshot: (snapshot) => {
					this.tenant = snapshot.tenant;
					this.day = snapshot.day ?? null;
					this.whole = true;
					this.subscriptions++;
					this.#figuresNow = true;
					this.#render();
				},
				replay: (reply) => {
					this.tenant = reply.tenant;
					this.whole = true;
					this.subscriptions++;
					this.#renderAll();
				},
				change: (change, before) => {
					const after = this.rows.get(change.id)?.status;
					if (after && after !== before?.status) this.statusChangedAt.set(change.id, Date.now());
					else if (!after) this.statusChangedAt.delete(change.id);
					options.onChange?.(change);
					this.#changes.touched(change.id);
					this.#render();
				}
			}
		});
		// After the page's first render: every listener is in place, and closing before cancels it.
		this.#redial = setTimeout(() => this.#socket.connect());
	}

	/**
	 * The page's one socket, for what else the page follows on it (its alerts): one connection
	 * a screen, whose reconnects and sign-out every part of the page shares.
	 */
	get socket(): Socket<ServerToClientEvents, ClientToServerEvents> {
		return this.#socket;
	}

	/** Subscribes afresh for a snapshot (e.g. a screen's day sums no longer hold). */
	resubscribe(): void {
		this.#sync.subscribe(false);
	}

	/** Whether rows are followed, or only the position and alerts (a replay's screen). */
	get followsRows(): boolean {
		return this.#sync.followsRows;
	}

	/** Follows the rows again (back to live), or stops (into a replay): subscribes afresh. */
	followRows(follow: boolean): void {
		this.#sync.followRows(follow);
	}

	/** Server time now, as well as the browser can tell. */
	serverNow(): number {
		return Date.now() - this.clockSkewMs;
	}

	/** Server time the rows stopped being current (the feed is not live); null while they are. */
	currentUntil(): number | null {
		// Live rows are current whenever they were last heard: `lastHeardAt` is not read then,
		// so what derives from this (the page's stale state) does not re-run at every message.
		if (this.status === 'live') return null;
		return currentUntil(this.#dataClock());
	}

	/** Server time the rows are true at ($lib/live/data-time). */
	dataNow(): number {
		return dataTime({ ...this.#dataClock(), serverNow: this.serverNow() });
	}

	#dataClock(): DataClock {
		const { lastHeardAt, clockSkewMs } = this;
		return { current: this.status === 'live', lastHeardAt, clockSkewMs };
	}

	close(): void {
		this.#pace.cancel();
		this.#figures.cancel();
		clearTimeout(this.#redial);
		this.#sync.detach();
		this.#socket.disconnect();
	}

	/** Called by the page's clock: drops yesterday's closed rows when the tenant's day ends. */
	tick(): void {
		if (this.#sync.rollover(this.serverNow()) > 0) this.#renderAll();
		// Highlights are brief: forget them so the map does not grow over a day.
		const stale = Date.now() - 5000;
		for (const [id, at] of this.statusChangedAt) {
			if (at < stale) this.statusChangedAt.delete(id);
		}
	}

	/**
	 * Ids whose rows changed after `version` was current, when the feed can tell: from the frame
	 * before, the ids that frame's changes touched; otherwise (older, or a snapshot or replay in
	 * between) null, and all rows may have changed.
	 */
	changedSince(version: number): ReadonlySet<string> | null {
		return this.#changes.since(version, this.version);
	}

	/** Rows replaced wholesale (snapshot, replay, rollover): the figures follow in the same frame. */
	#renderAll(): void {
		this.#changes.touchedAll();
		this.#figuresNow = true;
		this.#render();
	}

	/**
	 * Views follow in the next frame (or at the feed's pace), with whatever else changed until
	 * then.
	 */
	#render(): void {
		this.#pace.request();
	}

	/** Views follow in this task (a render already asked for is not needed any more). */
	#renderNow(): void {
		this.#pace.runNow();
	}

	#flush(): void {
		this.#changes.endFrame();
		this.version++;
		// While a snapshot's parts come in, each part's task is kept short: the figures (of a
		// part of the day) follow in tasks of their own, and at once when the snapshot is whole.
		if (this.whole || this.#figuresNow) this.#figures.rendered(this.#figuresNow);
		else this.#figures.later();
		this.#figuresNow = false;
	}
}
