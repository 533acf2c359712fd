/**
 * When a view follows its rows (or, on the server, a wall's room is sent its changes): once per
 * animation frame, or (`everyMs`) at most once every so many ms. Paced, the first change after a
 * quiet spell is drawn in the next task and later ones wait out the rest of the interval: a
 * quiet board is drawn at once, a busy one at a bounded rate. Waiting the whole interval from
 * the first change delayed every change of a quiet board by that much and drew a busy one no
 * less often.
 */
export class RenderPace {
	readonly #run: () => void;
	readonly #everyMs: number | undefined;
	readonly #clock: () => number;
	/** The animation frame or timer asked for (null: none). */
	#pending: ReturnType<typeof setTimeout> | number | null = null;
	/** When `run` last ran (clock ms), -Infinity before. */
	#ranAt = -Infinity;

	constructor(run: () => void, everyMs?: number, clock: () => number = () => performance.now()) {
		this.#run = run;
		this.#everyMs = everyMs;
		this.#clock = clock;
	}

	/** Whether the next frame's animation callbacks run it (no `everyMs`, in a browser). */
	get #byFrame(): boolean {
		return this.#everyMs === undefined && typeof requestAnimationFrame === 'function';
	}

	/** Runs it soon: in the next frame, or once the interval since the last run is over. */
	request(): void {
		if (this.#pending !== null) return;
		if (this.#byFrame) {
			this.#pending = requestAnimationFrame(this.#fire);
			return;
		}
		const everyMs = this.#everyMs ?? 16;
		const wait = Math.max(0, this.#ranAt + everyMs - this.#clock());
		this.#pending = setTimeout(this.#fire, wait);
	}

	/** Runs it in this task (what was asked for is then not needed any more). */
	runNow(): void {
		this.cancel();
		this.#fire();
	}

	/** Drops what was asked for. */
	cancel(): void {
		if (this.#pending === null) return;
		if (typeof this.#pending === 'number' && this.#byFrame) cancelAnimationFrame(this.#pending);
		else clearTimeout(this.#pending);
		this.#pending = null;
	}

	#fire = (): void => {
		this.#pending = null;
		this.#ranAt = this.#clock();
		this.#run();
	};
}

/**
 * Figures read rather than watched move (counts, tiles) follow the rows' renders at most every
 * `everyMs`: in a render of the rows once they are due, so they change in a frame the rows
 * change in rather than in one of their own; and, when no render comes after they fell due, on
 * a timer `graceMs` later, so they always take in the last change.
 */
export class FiguresPace {
	readonly #run: () => void;
	readonly #everyMs: number;
	readonly #graceMs: number;
	readonly #clock: () => number;
	#dueAt = -Infinity;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		run: () => void,
		everyMs: number,
		graceMs: number,
		clock: () => number = () => performance.now()
	) {
		this.#run = run;
		this.#everyMs = everyMs;
		this.#graceMs = graceMs;
		this.#clock = clock;
	}

	/** The rows were rendered: the figures follow now when due (or `now`), later otherwise. */
	rendered(now = false): void {
		const at = this.#clock();
		if (now || at >= this.#dueAt) return this.#fire(at);
		this.#timer ??= setTimeout(() => this.#fire(this.#clock()), this.#dueAt - at + this.#graceMs);
	}

	/**
	 * The rows changed in a task that must stay short (a part of a snapshot): the figures follow
	 * in a task of their own, once due.
	 */
	later(): void {
		const wait = Math.max(0, this.#dueAt - this.#clock()) + this.#graceMs;
		this.#timer ??= setTimeout(() => this.#fire(this.#clock()), wait);
	}

	cancel(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	#fire(at: number): void {
		this.cancel();
		this.#dueAt = at + this.#everyMs;
		this.#run();
	}
}
