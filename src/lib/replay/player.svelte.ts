import type { Interaction } from '$lib/interaction';
import { FrameChanges, type RowSource } from '$lib/live/sorted-rows';
import { DayTimeline } from './timeline';
import { decodeDay, type ReplayDayWire } from './wire';

/** How often at most the strip and tiles follow the rows while playing (as LiveFeed's figures). */
const FIGURES_INTERVAL_MS = 250;
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
	/** The day's bounds, and how far it is known (now, for today; its end, for a past day). */
	dayStartMs = $state(0);
	dayEndMs = $state(0);
	knownUntilMs = $state(0);
	playing = $state<Speed | null>(null);
	version = $state(0);
	figuresVersion = $state(0);
	rowCount = $state(0);

	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read by version, as LiveFeed's
	readonly statusChangedAt = new Map<string, number>();
	#timeline: DayTimeline | null = null;
	readonly #changes = new FrameChanges();
	#frame = 0;
	#lastFrameAt = 0;
	#figuresAt = 0;
	readonly #abort = new AbortController();

	constructor(
		url: string,
		atMs: number,
		private readonly onMoved: (atMs: number, settled: boolean) => void = () => undefined
	) {
		this.atMs = atMs;
		void this.#load(url);
	}

	get rows(): ReadonlyMap<string, Interaction> {
		return this.#timeline?.rows ?? EMPTY;
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
			this.atMs = Math.round(ms);
			return;
		}
		const target = Math.max(this.dayStartMs, Math.min(this.maxMs, Math.round(ms)));
		this.atMs = target;
		const previous = timeline.atMs;
		const changed = timeline.moveTo(target);
		const watched = Math.abs(target - previous) <= WATCHED_STEP_MS;
		if (!watched) this.statusChangedAt.clear();
		const now = Date.now();
		for (const id of changed) {
			if (watched && timeline.rows.has(id)) this.statusChangedAt.set(id, now);
			else this.statusChangedAt.delete(id);
			this.#changes.touched(id);
		}
		if (!watched) this.#changes.touchedAll();
		this.#changes.endFrame();
		this.version++;
		this.rowCount = timeline.rows.size;
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
