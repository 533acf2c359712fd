import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import { formatAt } from './at';

/**
 * Keeps `?at=` in the address as the replayed time moves, without a navigation (the day is
 * already loaded): at once when the time settles (a key, a slider release, a pause), at most
 * once a second while it plays.
 */
export class ReplayAddress {
	#lastWrite = 0;

	constructor(private readonly timeZone: () => string) {}

	readonly moved = (atMs: number, settled: boolean) => {
		const now = Date.now();
		if (!settled && now - this.#lastWrite < 1000) return;
		this.#lastWrite = now;
		const url = new URL(page.url);
		const at = formatAt(atMs, this.timeZone());
		if (url.searchParams.get('at') === at) return;
		url.searchParams.set('at', at);
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- this page's own address
		replaceState(url, page.state);
	};
}

/** The same address without `?at=`: the live screen with everything else kept. */
export function liveHref(url: URL): string {
	const live = new URL(url);
	live.searchParams.delete('at');
	const query = live.searchParams.toString();
	return query ? `${live.pathname}?${query}` : live.pathname;
}
