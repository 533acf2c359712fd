import type { AlertView } from '$lib/alerts';
import type { Interaction } from '$lib/interaction';
import type { QueueDay } from '$lib/queues/figures';
import { FrameChanges, type RowOrder, type RowSource } from '$lib/live/sorted-rows';
import { FiguresAt, type FiguresRequest } from './figures-at';
import { SortedAt } from './sorted-at';
import { DayTimeline } from './timeline';
import { decodeDay, type ReplayDayWire } from './wire';

/** How often at most the strip and tiles follow the rows while playing (as LiveFeed's figures). */
const FIGURES_INTERVAL_MS = 250;
/**
 * How often at most the clock of durations and waits follows T while playing: every row's
 * durations and the strip's timers re-render with it, which at every frame was most of a frame.
 */
const CLOCK_INTERVAL_MS = 100;
/** A step this small is watched, not jumped to: its rows flash as the live grid's do. */
const WATCHED_STEP_MS = 5 * 60_000;

export const SPEEDS = [1, 10, 60] as const;
export type Speed = (typeof SPEEDS)[number];

/**
 * A replayed day as the screens read a live feed: rows (the state at `atMs`), `version` and
 * `figuresVersion`, the ids each frame changed and when each row last changed status. The day is
 * fetched once from `/api/replay`; every new T is derived here, in the browser.
 */
export class ReplayPlayer implements RowSource {
	loading = $state(true);
	error = $state<string | null>(null);
	atMs = $state(0);
	/** T for the durations, waits and timers: T itself, or while playing T every CLOCK_INTERVAL_MS. */
	clockMs = $state(0);
	/** The day's bounds, and how far it is known (now, for today; its end, for a past day). */
	dayStartMs = $state(0);
	dayEndMs = $state(0);
	knownUntilMs = $state(0);
	playing = $state<Speed | null>(null);
	version = $state(0);
	figuresVersion = $state(0);
	/** The day's alert breaches in the viewer's scope, for marks on the slider. */
	breaches = $state.raw<AlertView[]>([]);

	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read by version, as LiveFeed's
	readonly statusChangedAt = new Map<string, number>();
	#timeline: DayTimeline | null = null;
	readonly #sorted = new SortedAt();
	readonly #figures = new FiguresAt();
	readonly #changes = new FrameChanges();
	#frame = 0;
	#lastFrameAt = 0;
	#figuresAt = 0;
	#clockAt = 0;
	readonly #abort = new AbortController();

	constructor(
		url: string,
		atMs: number,
		private readonly onMoved: (atMs: number, settled: boolean) => void = () => undefined
	) {
		this.atMs = atMs;
		void this.#load(url);
	}

	/** Every row at T by id (made on demand; the screens read the parts below). */
	get rows(): ReadonlyMap<string, Interaction> {
		return this.#timeline?.rows ?? EMPTY;
	}

	/** The rows in progress at T: the wall's list. */
	get inProgress(): ReadonlyMap<string, Interaction> {
		return this.#timeline?.inProgress ?? EMPTY;
	}

	/** The grid's rows at T, filtered and sorted (see SortedAt). Reads `version`. */
	sortedRows(
		matches: (row: Interaction) => boolean,
		order: RowOrder,
		orderKey: string
	): readonly Interaction[] {
		// Read before anything else: the day loading is a new version too.
		const version = this.version;
		const timeline = this.#timeline;
		if (!timeline) return [];
		return this.#sorted.rows(timeline, matches, order, orderKey, {
			version,
			changedSince: (version) => this.changedSince(version)
		});
	}

	/** Per-queue figures of the day at T (see FiguresAt). Reads `figuresVersion`. */
	days(request: FiguresRequest): Map<number, QueueDay> {
		void this.figuresVersion;
		const timeline = this.#timeline;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new value each time, never mutated
		return timeline ? this.#figures.days(timeline, request) : new Map();
	}

	changedSince(version: number): ReadonlySet<string> | null {
		return this.#changes.since(version, this.version);
	}

	/** The latest instant the slider may reach. */
	get maxMs(): number {
		return Math.min(this.knownUntilMs, this.dayEndMs - 1000);
	}

	/** Moves to `ms` (kept within the day as far as it is known) and renders it. */
	seek(ms: number, settled = true): void {
		const timeline = this.#timeline;
		if (!timeline) {
			// Not loaded yet: where to start once it is (the bounds are not known yet).
			this.atMs = this.clockMs = Math.round(ms);
			return;
		}
		const target = Math.max(this.dayStartMs, Math.min(this.maxMs, Math.round(ms)));
		this.atMs = target;
		const previous = timeline.atMs;
		if (target === previous) return;
		const changed = timeline.moveTo(target);
		const watched = changed !== null && Math.abs(target - previous) <= WATCHED_STEP_MS;
		if (!watched) this.statusChangedAt.clear();
		const now = Date.now();
		if (watched) {
			for (const id of changed) {
				// Shown at T (in progress, or closed): flashes as a live row that changed.
				if (timeline.shows(id)) {
					this.statusChangedAt.set(id, now);
				} else this.statusChangedAt.delete(id);
				this.#changes.touched(id);
			}
		} else this.#changes.touchedAll();
		this.#changes.endFrame();
		this.version++;
		if (this.playing === null || now - this.#clockAt >= CLOCK_INTERVAL_MS) {
			this.#clockAt = now;
			this.clockMs = target;
		}
		// Scrubbing shows the figures at once; playing, at the figures' pace.
		if (this.playing === null || now - this.#figuresAt >= FIGURES_INTERVAL_MS) {
			this.#figuresAt = now;
			this.figuresVersion++;
		}
		this.onMoved(target, settled);
	}

	step(deltaMs: number): void {
		this.pause();
		this.seek(this.atMs + deltaMs);
	}

	play(speed: Speed): void {
		if (this.atMs >= this.maxMs) this.seek(this.dayStartMs);
		this.playing = speed;
		cancelAnimationFrame(this.#frame);
		this.#lastFrameAt = performance.now();
		const frame = (t: number) => {
			if (this.playing === null) return;
			const elapsed = Math.max(0, t - this.#lastFrameAt);
			this.#lastFrameAt = t;
			this.seek(this.atMs + elapsed * this.playing, false);
			if (this.atMs >= this.maxMs) this.pause();
			else this.#frame = requestAnimationFrame(frame);
		};
		this.#frame = requestAnimationFrame(frame);
	}

	pause(): void {
		if (this.playing === null) return;
		this.playing = null;
		cancelAnimationFrame(this.#frame);
		this.clockMs = this.atMs;
		this.figuresVersion++;
		this.onMoved(this.atMs, true);
	}

	close(): void {
		this.playing = null;
		cancelAnimationFrame(this.#frame);
		this.#abort.abort();
	}

	async #load(url: string): Promise<void> {
		try {
			const response = await fetch(url, { signal: this.#abort.signal });
			const body = (await response.json()) as ReplayDayWire & { message?: string };
			if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
			this.dayStartMs = body.dayStartMs;
			this.dayEndMs = body.dayEndMs;
			this.knownUntilMs = Math.min(body.loadedAtMs, body.dayEndMs);
			this.#timeline = new DayTimeline(decodeDay(body));
			this.breaches = body.breaches ?? [];
			this.loading = false;
			this.seek(this.atMs);
		} catch (error) {
			if (this.#abort.signal.aborted) return;
			this.loading = false;
			this.error = `The day could not be loaded: ${(error as Error).message}`;
		}
	}
}

const EMPTY: ReadonlyMap<string, Interaction> = new Map();
