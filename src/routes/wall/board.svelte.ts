import { dataTime } from '$lib/live/data-time';
import { LiveFeed } from '$lib/live/feed.svelte';
import type { Board } from '$lib/wall/board';
import { groupAt, queueGroups } from '$lib/wall/board-options';
import { dayFrame, hourIndex } from '$lib/queues/day';
import { freshness } from '$lib/wall/freshness';
import { liveRows } from '$lib/wall/live-list';
import { aggregateDay, emptyQueueDay, queueFigures } from '$lib/queues/figures';
import { thresholdsLookup, type QueueThresholds } from '$lib/queues/thresholds';
import { startOfZonedDay } from '$lib/time/zone';
import type { ReplayPlayer } from '$lib/replay/player.svelte';

/**
 * A wall's live state: the feed, a clock that ticks once a second, and everything derived from
 * both. Counts re-derive when rows change (at most once a frame); timers re-derive each tick from
 * the few rows in progress. While the board is stale its timers stop at the last moment the
 * server was heard from, instead of ticking on as if the figures were current.
 */
export class WallBoard {
	config = $state<Board>() as Board;
	/** Browser time of the last tick. */
	now = $state(Date.now());
	readonly openedAt = Date.now();
	readonly feed: LiveFeed;
	/** `/wall?at=`: the board as it was then, from the replayed day's rows (issue 25). */
	readonly replay: ReplayPlayer | null;

	constructor(config: Board, replay: ReplayPlayer | null = null) {
		this.config = config;
		this.replay = replay;
		this.feed = new LiveFeed({
			tenantId: config.tenant.id,
			queueIds: config.narrowedTo ?? undefined
		});
	}

	// Arrow bodies: `feed` is only assigned in the constructor, after these fields are declared.
	readonly serverNow = $derived.by(() => this.now - this.feed.clockSkewMs);
	readonly freshness = $derived.by(() =>
		freshness({
			status: this.feed.status,
			lastHeardAt: this.feed.lastHeardAt,
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
			? this.replay.atMs
			: dataTime({
					current: !this.stale,
					lastHeardAt: this.feed.lastHeardAt,
					clockSkewMs: this.feed.clockSkewMs,
					serverNow: this.serverNow
				})
	);
	readonly todayStart = $derived.by(() =>
		startOfZonedDay(this.replay?.atMs ?? this.serverNow, this.config.tenant.timezone)
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
	readonly days = $derived.by(() => {
		const source = this.replay ?? this.feed;
		void source.figuresVersion;
		return aggregateDay(
			source.rows.values(),
			this.config.queues.map((q) => q.id),
			this.frame,
			this.thresholdsOf
		);
	});

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
	readonly rows = $derived.by(() => {
		const source = this.replay ?? this.feed;
		void source.version;
		if (this.feed.status === 'ended') return [];
		return liveRows(
			source.rows.values(),
			this.visibleQueues.map((q) => q.id)
		);
	});

	/** Starts the clock; returns the function that stops it and closes the feed. */
	start(): () => void {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const tick = () => {
			clearTimeout(timer);
			this.now = Date.now();
			this.feed.tick();
			// On the second boundary, so every timer on the board changes together.
			timer = setTimeout(tick, 1000 - (this.now % 1000) + 5);
		};
		// A background tab's timers are throttled: catch up the moment it is shown again.
		const onVisibility = () => document.visibilityState === 'visible' && tick();
		document.addEventListener('visibilitychange', onVisibility);
		tick();
		return () => {
			clearTimeout(timer);
			document.removeEventListener('visibilitychange', onVisibility);
			this.feed.close();
			this.replay?.close();
		};
	}
}
