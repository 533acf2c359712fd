import { untrack } from 'svelte';
import type { AlertView } from '$lib/alerts';
import type { Interaction, InteractionChange } from '$lib/interaction';
import { DayBase, withBase, type DaySums, type DaySumsRequest } from '$lib/queues/day-sums';
import type { DayFrame } from '$lib/queues/day';
import { AlertChime, CHIME_REPEAT_MS } from '$lib/alerts/chime';
import { ScreenAlerts } from '$lib/alerts/screen-alerts.svelte';
import { dataTime } from '$lib/live/data-time';
import { LiveFeed } from '$lib/live/feed.svelte';
import type { Board, BoardQueue } from '$lib/wall/board';
import { groupAt, queueGroups } from '$lib/wall/board-options';
import { dayFrame, hourIndex } from '$lib/queues/day';
import { freshness } from '$lib/wall/freshness';
import { liveIn, liveOrder, liveRows } from '$lib/wall/live-list';
import { SortedRows } from '$lib/live/sorted-rows';
import { emptyQueueDay, queueFigures, type QueueDay } from '$lib/queues/figures';
import { DayTally } from '$lib/queues/tally';
import { thresholdsLookup, type QueueThresholds } from '$lib/queues/thresholds';
import { startOfZonedDay } from '$lib/time/zone';
import type { ReplayPlayer } from '$lib/replay/player.svelte';

/**
 * A wall's live state: the feed, a clock that ticks once a second, and everything derived from
 * both. Counts re-derive when rows change (at most once a frame); timers re-derive each tick from
 * the few rows in progress. While the board is stale its timers stop at the last moment the
 * server was heard from, instead of ticking on as if the figures were current.
 */
/**
 * Rows closed since the day's sums were taken that a wall holds before it asks for fresh sums:
 * about 0.6 MB of a TV stick's heap, a fresh snapshot of the rows in progress every few minutes
 * for a big tenant, instead of every row that closed since the wall was opened.
 */
const HELD_CLOSED_LIMIT = 1000;

export class WallBoard {
	config = $state<Board>() as Board;
	/** Browser time of the last tick. */
	now = $state(Date.now());
	readonly openedAt = Date.now();
	readonly feed: LiveFeed;
	/** The alerts of the token's queues, on the feed's socket. */
	readonly alerts: ScreenAlerts;
	readonly chime = new AlertChime();
	/** Browser ms of the last chime (0: none yet), for the repeat while nobody acknowledges. */
	#chimedAt = 0;
	/** `/wall?at=`: the board as it was then, from the replayed day's rows (issue 25). */
	readonly replay: ReplayPlayer | null;

	constructor(config: Board, replay: ReplayPlayer | null = null) {
		this.config = config;
		this.replay = replay;
		this.#goals = { serviceLevelSeconds: goalsOf(config.queues) };
		this.feed = new LiveFeed({
			tenantId: config.tenant.id,
			queueIds: config.narrowedTo ?? undefined,
			// The closed rows of the day come summed, not one by one ($lib/queues/day-sums).
			daySums: this.#goals,
			// A replayed board shows none of today's rows: its socket is kept for the alerts and
			// the connection only, so no change arrives to pile up unchecked (followRows returns).
			...(replay && { rows: false }),
			// The list is drawn every LIST_INTERVAL_MS at most and the tiles less often: the rows
			// are followed at that pace too, not at every frame a change comes in (at 50 changes/s
			// a TV stick ran a frame, the board's effects and the tally for each).
			renderEveryMs: LIST_INTERVAL_MS,
			onChange: (change) => this.#touched.push(change)
		});
		this.alerts = new ScreenAlerts(this.feed.socket);
		this.alerts.onFired((alert) => this.#ring(alert));
	}

	// Arrow bodies: `feed` is only assigned in the constructor, after these fields are declared.
	readonly serverNow = $derived.by(() => this.now - this.feed.clockSkewMs);
	/**
	 * Read when the clock ticks or the feed's status changes, not at every message: a busy
	 * tenant's 50 messages a second each re-derived the board's freshness and time chain, which
	 * only the tick (ages in whole seconds) and a change of status can change.
	 */
	readonly #lastHeardAt = $derived.by(() => {
		void this.now;
		void this.feed.status;
		return untrack(() => this.feed.lastHeardAt);
	});
	readonly freshness = $derived.by(() =>
		freshness({
			status: this.feed.status,
			lastHeardAt: this.#lastHeardAt,
			openedAt: this.openedAt,
			now: this.now
		})
	);
	readonly stale = $derived.by(
		() => !this.replay && (this.freshness.state === 'stale' || this.freshness.state === 'ended')
	);
	/** Server time the figures are true at: from the first stale frame, not the next tick. */
	readonly dataNow = $derived.by(() =>
		this.replay
			? this.replay.clockMs
			: dataTime({
					current: !this.stale,
					lastHeardAt: this.#lastHeardAt,
					clockSkewMs: this.feed.clockSkewMs,
					serverNow: this.serverNow
				})
	);
	readonly todayStart = $derived.by(() =>
		startOfZonedDay(this.replay?.clockMs ?? this.serverNow, this.config.tenant.timezone)
	);
	readonly frame = $derived(dayFrame(this.todayStart, this.config.tenant.timezone));
	readonly currentHour = $derived(hourIndex(this.dataNow, this.frame));

	readonly #thresholds = $derived(thresholdsLookup(this.config.queues));
	readonly thresholdsOf = (queueId: number | null): QueueThresholds => this.#thresholds(queueId);

	readonly groups = $derived(queueGroups(this.config.queues, this.config.options.perGroup));
	readonly groupIndex = $derived(
		groupAt(this.now - this.openedAt, this.config.options.rotateSeconds, this.groups.length)
	);
	readonly visibleQueues = $derived(this.groups[this.groupIndex] ?? []);

	// The tiles follow the rows at the figures' pace (LiveFeed.figuresVersion), as the
	// interactions page's strip does: the same figures, at the same moments, on both screens.
	// Counted change by change (DayTally): the version each frame bumps is followed by
	// followRows, not read here, so the tiles still re-derive at the figures' pace only.
	readonly days = $derived.by(() => {
		const source = this.replay ?? this.feed;
		void source.figuresVersion;
		const queueIds = this.config.queues.map((q) => q.id);
		const { frame } = this;
		const thresholdsOf = this.#thresholds;
		// A replay sums the day from checkpoints, not row by row at each T (FiguresAt).
		if (this.replay) {
			return this.replay.days({
				matches: () => true,
				matchesKey: '',
				queueIds,
				frame,
				thresholdsOf
			});
		}
		const base = this.#base();
		const held = untrack(() =>
			this.#tally.update(this.feed, queueIds, frame, thresholdsOf, base?.counts ?? everyRow)
		);
		if (!this.feed.whole) return this.#shownDays;
		// Yesterday's sums (or tomorrow's, a moment before this screen sees midnight) add nothing.
		if (!base || base.sums.startMs !== frame.startMs) return (this.#shownDays = held);
		return (this.#shownDays = withBase(held, base.days, frame.hourLabels.length));
	});
	readonly #tally = new DayTally();
	/**
	 * The figures and the list last shown of whole rows. While a snapshot's parts come in (on
	 * opening, and when fresh sums are asked for), the rows held are a part of the day and the
	 * sums may be the last snapshot's: the wall goes on showing what it showed (nothing yet, on
	 * opening) rather than counts that drop and climb back part by part. The tally and the
	 * list's order still take each part in, in the part's own task.
	 */
	// Not state: the deriveds read it only when they re-run for a reason of their own.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#shownDays: ReadonlyMap<number, QueueDay> = new Map();
	#shownRows: readonly Interaction[] = [];

	/** What the feed's subscribes ask to be summed: mutated, then resubscribed, when goals change. */
	readonly #goals: DaySumsRequest;
	/** Changes applied since the last frame, for checking against the sums. */
	#touched: InteractionChange[] = [];
	#baseOf: DaySums | null = null;
	/** Changes that closed a row since the sums held were taken (a bound, not an exact count). */
	#closedSinceSums = 0;
	#baseNow: DayBase | null = null;
	/** The sums a fresh snapshot was asked for because they no longer held (asked once). */
	#refused: DaySums | null = null;

	/** The last snapshot's sums of the closed rows, indexed once. */
	#base(): DayBase | null {
		const day = this.feed.day;
		if (day !== this.#baseOf) {
			this.#baseOf = day;
			this.#baseNow = day ? new DayBase(day) : null;
			this.#closedSinceSums = 0;
		}
		return this.#baseNow;
	}

	/**
	 * Asks for fresh sums when the ones held no longer add up: a summed row changed what it
	 * contributes, or the board's queues or service-level goals changed. Also once the rows that
	 * closed since the sums were taken pile up (HELD_CLOSED_LIMIT): the fresh sums take them in
	 * and the snapshot leaves them out, so a wall open all day weighs what a fresh one does.
	 */
	#checkBase(frame: DayFrame): void {
		const touched = this.#touched;
		this.#touched = [];
		const base = this.#base();
		for (const change of touched) if (change.row?.status === 'closed') this.#closedSinceSums++;
		if (!base || this.#refused === base.sums) return;
		if (base.sums.startMs !== frame.startMs) return;
		const goals = goalsOf(this.config.queues);
		const stale =
			!base.fits(frame, goals) ||
			this.#closedSinceSums >= HELD_CLOSED_LIMIT ||
			touched.some((change) => base.invalidatedBy(change));
		if (!stale) return;
		this.#refused = base.sums;
		this.#goals.serviceLevelSeconds = goals;
		this.feed.resubscribe();
	}

	/** Call on every version of the rows (an effect): the tally follows them change by change. */
	followRows(): void {
		// A replay's figures come from its checkpoints (days above), not from the tally.
		if (this.replay) return;
		void this.feed.version;
		const queueIds = this.config.queues.map((q) => q.id);
		const { frame } = this;
		const thresholdsOf = this.#thresholds;
		untrack(() => {
			this.#checkBase(frame);
			const base = this.#base();
			this.#tally.update(this.feed, queueIds, frame, thresholdsOf, base?.counts ?? everyRow);
			// The list is kept in order at every version (change by change), which the feed bumps
			// at the list's pace (renderEveryMs): each is drawn.
			this.#list.update(this.feed, this.#inList, liveOrder);
			this.listVersion++;
		});
	}

	readonly tiles = $derived(
		this.visibleQueues.map((queue) => {
			const day = this.days.get(queue.id) ?? emptyQueueDay(this.frame.hourLabels.length);
			return { queue, day, figures: queueFigures(day, this.dataNow, queue.thresholds) };
		})
	);

	/**
	 * The list of contacts in progress. Empty once the feed has ended (token revoked, signed
	 * out): a screen no longer allowed to watch must not go on showing callers' names and
	 * numbers. The tiles' counts stay, marked as from then; they name nobody.
	 */
	readonly rows = $derived.by((): readonly Interaction[] => {
		const source = this.replay ?? this.feed;
		if (this.replay) void this.replay.version;
		else void this.listVersion;
		if (this.feed.status === 'ended') return [];
		// A replay's list: its rows in progress at T, not the day's 50,000.
		if (this.replay)
			return liveRows(
				this.replay.inProgress.values(),
				this.visibleQueues.map((q) => q.id)
			);
		// The feed's version is followed by followRows, not here: the list keeps its own pace.
		const inList = this.#inList;
		const rows = untrack(() => this.#list.update(source, inList, liveOrder));
		// A list without reuse (below): an array kept is never written to again.
		return this.feed.whole ? (this.#shownRows = rows) : this.#shownRows;
	});
	/**
	 * Bumped at each version of the rows (followRows), which comes at most every
	 * LIST_INTERVAL_MS while rows change: the list re-renders at that pace, not at every frame
	 * with a change. On a TV stick at 50 changes/s each render (style, layout, paint of the
	 * list) cost more than the frames had.
	 */
	listVersion = $state(0);
	/**
	 * Kept in order change by change: sorting a big tenant's 1,600 contacts in progress out of
	 * its whole day's rows every frame was most of a TV stick's frame at 50 changes a second.
	 */
	readonly #list = new SortedRows();
	readonly #inList = $derived(liveIn(this.visibleQueues.map((q) => q.id)));

	/**
	 * The open alerts of the queues this board shows (a board narrowed with `?queues=` leaves
	 * the token's others to the screens that show them), most pressing first.
	 */
	readonly openAlerts = $derived.by(() => {
		const shown = this.config.queues.map((q) => q.id);
		return this.alerts.open.filter((alert) => shown.includes(alert.queueId));
	});

	/** The most pressing open alert of a queue, for its tile's mark; null when it has none. */
	readonly alertOf = (queueId: number): AlertView | null =>
		this.openAlerts.find((alert) => alert.queueId === queueId) ?? null;

	/** Chimes for a new alert, and again every CHIME_REPEAT_MS while one needs someone. */
	#ring(alert: AlertView | undefined): void {
		if (!this.config.chime || !alert) return;
		if (this.chime.play(alert.level)) this.#chimedAt = Date.now();
	}

	/** Starts the clock; returns the function that stops it and closes the feed. */
	start(): () => void {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const tick = () => {
			clearTimeout(timer);
			this.now = Date.now();
			this.feed.tick();
			if (this.now - this.#chimedAt >= CHIME_REPEAT_MS) {
				this.#ring(this.openAlerts.find((a) => a.acknowledgedAt === null));
			}
			// On the second boundary, so every timer on the board changes together.
			timer = setTimeout(tick, 1000 - (this.now % 1000) + 5);
		};
		// A background tab's timers are throttled: catch up the moment it is shown again.
		const onVisibility = () => document.visibilityState === 'visible' && tick();
		document.addEventListener('visibilitychange', onVisibility);
		// Browsers hold sound back until the page is touched once: whoever sets the screen up.
		const unlock = () => this.chime.unlock();
		document.addEventListener('pointerdown', unlock);
		document.addEventListener('keydown', unlock);
		tick();
		return () => {
			clearTimeout(timer);
			document.removeEventListener('visibilitychange', onVisibility);
			document.removeEventListener('pointerdown', unlock);
			document.removeEventListener('keydown', unlock);
			this.alerts.close();
			this.chime.close();
			this.feed.close();
			this.replay?.close();
		};
	}
}

/**
 * How often at most the list of contacts in progress is drawn again while rows change. A quiet
 * board draws a change at once (RenderPace). A wall signed in by token is sent its changes at
 * most every 150 ms (the server's WALL_BATCH_MS) and draws each message as it comes; this
 * bounds the rest (a wall opened by a signed-in supervisor, a node of the release before).
 */
export const LIST_INTERVAL_MS = 100;

/** Each queue of the board with its service-level goal, as the day's sums are asked for. */
function goalsOf(queues: readonly BoardQueue[]): [number, number][] {
	return queues.map((q) => [q.id, q.thresholds.serviceLevelSeconds]);
}

/** The wall counts every row of its queues (one function object: DayTally keeps its counts). */
const everyRow = (): boolean => true;
