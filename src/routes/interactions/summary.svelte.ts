import { DEFAULT_FILTERS, matchesFilters } from '$lib/filters';
import type { Interaction } from '$lib/interaction';
import { startOfZonedDay } from '$lib/time/zone';
import type { BoardQueue } from '$lib/wall/board';
import { dayFrame } from '$lib/queues/day';
import { aggregateDay, emptyQueueDay, queueFigures } from '$lib/queues/figures';
import type { PageData } from './$types';
import type { InteractionsView } from './view.svelte';

/**
 * The summary strip's figures: per queue in the viewer's scope, the wall's own figures
 * (`aggregateDay`, `queueFigures`) over the live feed, so the two screens cannot disagree.
 *
 * Of the filter bar, the queue narrows which queues are summed and the channel which rows;
 * agent, DID, disposition and status are left out on purpose: a waiting contact has no agent or
 * disposition yet, and the strip exists to show every status side by side.
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

	/** Counts re-derive when filters change, and with rows at the figures' pace (figuresVersion). */
	readonly #days = $derived.by(() => {
		// The live feed, or a replayed day at its time (then `now` is that time).
		const feed = this.#view.source;
		void feed?.figuresVersion;
		const channel = this.#data().filters.channel;
		const narrow = { ...DEFAULT_FILTERS, channel };
		const player = this.#view.player;
		if (player) {
			// A replay sums the day from checkpoints, not row by row at each T (FiguresAt).
			return player.days({
				matches: (row) => matchesFilters(row, narrow),
				matchesKey: channel ?? '',
				queueIds: this.queues.map((q) => q.id),
				frame: this.#frame,
				thresholdsOf: this.#view.thresholdsOf
			});
		}
		const all = feed?.rows.values() ?? [];
		const rows: Iterable<Interaction> = channel
			? [...all].filter((row) => matchesFilters(row, narrow))
			: all;
		return aggregateDay(
			rows,
			this.queues.map((q) => q.id),
			this.#frame,
			this.#view.thresholdsOf
		);
	});

	/** Timers (longest wait, waits past the service level) re-derive each tick of the page clock. */
	readonly tiles = $derived(
		this.queues.map((queue) => {
			const day = this.#days.get(queue.id) ?? emptyQueueDay(this.#frame.hourLabels.length);
			return { queue, day, figures: queueFigures(day, this.#view.now, queue.thresholds) };
		})
	);

	/** The feed has brought rows at least once: until then the figures would be false zeros. */
	readonly ready = $derived.by(() =>
		this.#view.player ? !this.#view.player.loading : this.#view.feed?.tenant != null
	);
}
