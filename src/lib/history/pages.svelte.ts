import type { Interaction, RowsPage } from '$lib/interaction';

/** The server's order of a history: newest first, id breaking ties (ids are decimal strings). */
function newestFirst(a: Interaction, b: Interaction): number {
	return (
		b.createdAt.localeCompare(a.createdAt) || b.id.length - a.id.length || b.id.localeCompare(a.id)
	);
}

/**
 * Keyset-paginated rows from one of the read API's list endpoints, loaded page by page. Every
 * request can be cancelled (a new view cancels the previous one), and a 4xx keeps the server's
 * message and per-field errors instead of showing an empty list that looks like "no data".
 */
export class PagedRows {
	rows = $state.raw<Interaction[]>([]);
	loading = $state(false);
	done = $state(false);
	error = $state<string | null>(null);
	fieldErrors = $state<Record<string, string>>({});
	total = $state<number | null>(null);
	counting = $state(false);
	/** Live rows new to the list, kept aside until the reader asks: nothing moves under their eyes. */
	held = $state.raw<Interaction[]>([]);
	/** The minute (`YYYY-MM-DDTHH:MM`, tenant's clock) the list was jumped to; null from the top. */
	jump = $state<string | null>(null);
	/** How many rows of the view come before the first one listed (a jump passed over them). */
	skipped = $state(0);

	/** The first page is on screen (or failed): from then on a new live row is held, not inserted. */
	#shown = false;

	#cursor: string | null = null;
	#pages = 0;
	#controller: AbortController | null = null;
	#countController: AbortController | null = null;

	/**
	 * `serverOrder`: the server's order is the list's (a history view sorted by any column); else
	 * rows are kept newest first, as live rows join a person's history. `pageSizes`: the `limit`
	 * of each page in turn, the last repeating: small first (on screen fast), then larger, so a
	 * month of 22,000 rows is 14 loads rather than 112.
	 */
	constructor(
		private readonly url: string,
		private readonly countUrl: string | null = null,
		private readonly options: { serverOrder?: boolean; pageSizes?: readonly number[] } = {}
	) {}

	/** Loads the first page (and, in parallel, the total when there is a count endpoint). */
	start(): void {
		this.rows = [];
		this.held = [];
		this.#shown = false;
		this.#cursor = null;
		this.#pages = 0;
		this.skipped = 0;
		this.done = false;
		void this.more();
		if (this.countUrl && this.total === null) void this.#count(this.countUrl);
	}

	/** Reads the view from a minute on (null: from the top again); the total stays the view's. */
	jumpTo(minute: string | null): void {
		this.cancelPage();
		this.jump = minute;
		this.start();
	}

	#pageUrl(): string {
		const params: string[] = [];
		const sizes = this.options.pageSizes;
		if (sizes && sizes.length > 0) {
			params.push(`limit=${sizes[Math.min(this.#pages, sizes.length - 1)]}`);
		}
		if (this.jump) params.push(`jump=${encodeURIComponent(this.jump)}`);
		if (this.#cursor) params.push(`cursor=${encodeURIComponent(this.#cursor)}`);
		if (params.length === 0) return this.url;
		return this.url + (this.url.includes('?') ? '&' : '?') + params.join('&');
	}

	async more(): Promise<void> {
		if (this.done || (this.loading && this.#cursor !== null)) return;
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.loading = true;
		this.error = null;
		try {
			const response = await fetch(this.#pageUrl(), { signal: controller.signal });
			const body = (await response.json()) as Partial<RowsPage> & {
				message?: string;
				errors?: Record<string, string>;
			};
			this.#shown = true;
			if (!response.ok) {
				this.error = body.message ?? `The server answered ${response.status}`;
				this.fieldErrors = body.errors ?? {};
				this.done = true;
				return;
			}
			// Live updates may already have added some of these rows: keep the (newer) live copy.
			const known: Record<string, true> = {};
			for (const row of this.rows) known[row.id] = true;
			const page = (body.rows ?? []).filter((row) => !known[row.id]);
			if (this.#pages === 0 && typeof body.skipped === 'number') this.skipped = body.skipped;
			this.#pages++;
			// Live rows that came before the first page arrive in the feed's order: put them in place.
			// A server-ordered list (history by any column) takes the server's order as it is.
			this.rows = this.options.serverOrder
				? [...this.rows, ...page]
				: [...this.rows, ...page].sort(newestFirst);
			// A held row the server now pages in is shown where it belongs, not twice.
			const paged: Record<string, true> = {};
			for (const row of page) paged[row.id] = true;
			if (this.held.some((row) => paged[row.id])) {
				this.held = this.held.filter((row) => !paged[row.id]);
			}
			this.#cursor = body.nextCursor ?? null;
			this.done = this.#cursor === null;
		} catch (error) {
			if ((error as Error).name !== 'AbortError') this.error = 'Could not reach the server';
		} finally {
			if (this.#controller === controller) {
				this.loading = false;
				this.#controller = null;
			}
		}
	}

	cancel(): void {
		this.cancelPage();
		this.#countController?.abort();
		this.counting = false;
	}

	/** Stops the page being loaded, leaving the count to finish. */
	cancelPage(): void {
		this.#controller?.abort();
		this.loading = false;
	}

	/**
	 * Applies a live change to an open list: rows it already shows are updated in place; a new row
	 * joins at once only while the first page is still loading (nobody is reading yet), else it is
	 * held for `showHeld`.
	 */
	update(row: Interaction, belongs: boolean): void {
		const index = this.rows.findIndex((r) => r.id === row.id);
		if (index >= 0) {
			if (this.rows[index] !== row) this.rows = this.rows.map((r, i) => (i === index ? row : r));
			return;
		}
		if (!belongs) return;
		if (!this.#shown) {
			this.rows = [row, ...this.rows].sort(newestFirst);
			return;
		}
		const heldAt = this.held.findIndex((r) => r.id === row.id);
		if (heldAt < 0) this.held = [row, ...this.held];
		else if (this.held[heldAt] !== row)
			this.held = this.held.map((r, i) => (i === heldAt ? row : r));
	}

	/** Puts the held rows on top, newest first, as the reader asked. */
	showHeld(): void {
		this.rows = [...[...this.held].sort(newestFirst), ...this.rows];
		this.held = [];
	}

	async #count(url: string): Promise<void> {
		this.#countController?.abort();
		const controller = new AbortController();
		this.#countController = controller;
		this.counting = true;
		this.total = null;
		try {
			const response = await fetch(url, { signal: controller.signal });
			if (response.ok) this.total = ((await response.json()) as { count: number }).count;
		} catch {
			// the list itself reports connection problems
		} finally {
			if (this.#countController === controller) this.counting = false;
		}
	}
}
