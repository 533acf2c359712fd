import { DEFAULT_FILTERS, matchesFilters } from '$lib/filters';
import type { Interaction } from '$lib/interaction';
import { startOfZonedDay } from '$lib/time/zone';
import type { BoardQueue } from '$lib/wall/board';
import { dayFrame } from '$lib/queues/day';
import { emptyQueueDay, queueFigures, type QueueDay } from '$lib/queues/figures';
import { DayTally } from '$lib/queues/tally';
import type { PageData } from './$types';
import type { InteractionsView } from './view.svelte';

/**
 * The summary strip's figures: per queue in the viewer's scope, the wall's own figures
 * (`aggregateDay`, `queueFigures`) over the live feed, so the two screens cannot disagree.
 * They follow the rows in the same frame as the grid (`version`, kept by DayTally change by
 * change), and the clock on the same tick (`view.now`): the strip and the grid never disagree.
 *
 * Of the filter bar, the queue narrows which queues are summed, and the channel and DID which
 * rows; agent, disposition and status are not followed (`unfollowed` says so on screen): a
 * waiting contact has no agent or disposition yet, and the strip exists to show every status
 * side by side.
 */
export class LiveSummary {
	readonly #view: InteractionsView;
	readonly #data: () => PageData;

	constructor(view: InteractionsView, data: () => PageData) {
		this.#view = view;
		this.#data = data;
	}

	readonly queues = $derived.by((): BoardQueue[] => {
		const { queues, filters } = this.#data();
		return filters.queueId === null ? queues : queues.filter((q) => q.id === filters.queueId);
	});

	// A number, so the frame (and the counts after it) re-derive once a day, not every tick.
	readonly #todayStart = $derived.by(() =>
		startOfZonedDay(this.#view.now, this.#data().tenant.timezone)
	);
	readonly #frame = $derived.by(() => dayFrame(this.#todayStart, this.#data().tenant.timezone));

	// One function object per filter, as DayTally keeps its counts while it is the same.
	readonly #matches = $derived.by(() => {
		const { channel, did } = this.#data().filters;
		const narrow = { ...DEFAULT_FILTERS, channel, did };
		return (row: Interaction) => matchesFilters(row, narrow);
	});
	readonly #queueIds = $derived(this.queues.map((q) => q.id));
	readonly #tally = new DayTally();
	/** Counts follow the rows frame by frame, as the grid's rows do. */
	readonly #days = $derived.by(() => {
		// The live feed, or a replayed day at its time (then `now` is that time).
		const feed = this.#view.source;
		const player = this.#view.player;
		if (player) {
			void player.figuresVersion;
			const { channel, did } = this.#data().filters;
			// A replay sums the day from checkpoints, not row by row at each T (FiguresAt).
			return player.days({
				matches: this.#matches,
				matchesKey: `${channel ?? ''}|${did ?? ''}`,
				queueIds: this.#queueIds,
				frame: this.#frame,
				thresholdsOf: this.#view.thresholdsOf
			});
		}
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- an empty value, never changed
		if (!feed) return new Map<number, QueueDay>();
		void feed.version;
		return this.#tally.update(
			feed,
			this.#queueIds,
			this.#frame,
			this.#view.thresholdsOf,
			this.#matches
		);
	});

	/** The filter bar's fields set now that the strip does not follow, to say so beside it. */
	readonly unfollowed = $derived.by(() => {
		const { agent, disposition, status } = this.#data().filters;
		return [agent && 'Agent', disposition && 'Disposition', status && 'Status'].filter(
			(name): name is string => Boolean(name)
		);
	});

	/** Timers (longest wait, waits past the service level) re-derive each tick of the page clock. */
	readonly tiles = $derived(
		this.queues.map((queue) => {
			const day = this.#days.get(queue.id) ?? emptyQueueDay(this.#frame.hourLabels.length);
			return { queue, day, figures: queueFigures(day, this.#view.now, queue.thresholds) };
		})
	);

	/**
	 * The feed has brought the whole day at least once (or the replay its day): until then the
	 * figures would be false zeros, or a part of the day's read as the day's.
	 */
	readonly ready = $derived.by(() => this.#view.liveReady);
}
