import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import { formatAt } from './at';

/**
 * Keeps `?at=` in the address as the replayed time moves, without a navigation (the day is
 * already loaded): a quarter of a second after the time settles (a key, a slider release, a
 * pause), at most once a second while it plays.
 */
export class ReplayAddress {
	#lastWrite = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly timeZone: () => string) {}

	/**
	 * A settled time is written once it has been still for SETTLE_MS: a held arrow key steps a
	 * minute at a time, and each history write (and every reader of the page's URL after it)
	 * was part of that step's frame.
	 */
	readonly moved = (atMs: number, settled: boolean) => {
		clearTimeout(this.#timer);
		if (settled) {
			const shown = new URL(page.url).searchParams.get('at');
			this.#timer = setTimeout(() => this.#write(atMs, shown), SETTLE_MS);
			return;
		}
		if (Date.now() - this.#lastWrite >= 1000) this.#write(atMs, null);
	};

	/**
	 * Writes `atMs` into the address, unless the address moved on while a settled time waited
	 * (`shownThen`, the `at` it held then): back to live, or another day picked, made this time
	 * no longer the page's. A step of the player's own across midnight is still written.
	 */
	#write(atMs: number, shownThen: string | null): void {
		this.#lastWrite = Date.now();
		const url = new URL(page.url);
		const at = formatAt(atMs, this.timeZone());
		const shown = url.searchParams.get('at');
		if (shown === null || shown === at) return;
		if (shownThen !== null && shown !== shownThen) return;
		url.searchParams.set('at', at);
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- this page's own address
		replaceState(url, page.state);
	}
}

/** How long a settled time stays before the address takes it. */
const SETTLE_MS = 250;

/** The same address without `?at=`: the live screen with everything else kept. */
export function liveHref(url: URL): string {
	const live = new URL(url);
	live.searchParams.delete('at');
	const query = live.searchParams.toString();
	return query ? `${live.pathname}?${query}` : live.pathname;
}
