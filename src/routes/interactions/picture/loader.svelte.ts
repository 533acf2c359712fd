import type { RangePicture } from '$lib/range/picture';

/**
 * The picture of the range on screen, fetched from `/api/insight` with the grid's query. Built
 * while the page initialises; `href` is null on Today (no picture), and `ready` stays false until
 * the grid's first page is in, so the range switch never waits on the figures' heavier query. A
 * new view cancels the request of the old one; the old picture stays, marked as updating, until
 * the new one replaces it, so the page does not jump.
 */
export class PictureLoader {
	picture = $state.raw<RangePicture | null>(null);
	loading = $state(false);
	error = $state<string | null>(null);
	/** The query the picture on screen answers (it may lag the URL while loading). */
	shownFor = $state<string | null>(null);

	constructor(source: () => { href: string | null; ready: boolean }) {
		$effect(() => {
			const { href, ready } = source();
			if (href === null) {
				this.picture = null;
				this.shownFor = null;
				this.error = null;
				this.loading = false;
				return;
			}
			this.loading = true;
			if (!ready) return;
			const controller = new AbortController();
			void this.#load(href, controller.signal);
			return () => controller.abort();
		});
	}

	async #load(href: string, signal: AbortSignal): Promise<void> {
		this.error = null;
		try {
			const response = await fetch(href, { signal });
			const body = (await response.json()) as RangePicture & { message?: string };
			if (signal.aborted) return;
			if (!response.ok) {
				this.error = body.message ?? `The figures could not be read (${response.status})`;
				this.picture = null;
			} else {
				this.picture = body;
				this.shownFor = href;
			}
		} catch (e) {
			if (signal.aborted) return;
			this.error = `The figures could not be read: ${e instanceof Error ? e.message : String(e)}`;
		} finally {
			if (!signal.aborted) this.loading = false;
		}
	}
}
