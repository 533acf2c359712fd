import type { FeedStatus } from '$lib/live/feed.svelte';

/**
 * Whether the board can be trusted right now, and since when it cannot. When the feed is live
 * is decided once, by the feed's deadline ($lib/live/link-watch.ts): a server silent past it
 * makes the board stale even with the socket still open (a frozen server, a half-dead
 * proxy). This only says it the board's way.
 */

export type FreshnessState = 'connecting' | 'live' | 'stale' | 'ended';

export interface Freshness {
	state: FreshnessState;
	/** Whole seconds since the server was last heard from; null before it ever was. */
	ageSeconds: number | null;
	/** Browser time the board stopped being current (last message, or page open). */
	staleSinceMs: number | null;
}

export interface FreshnessInput {
	status: FeedStatus;
	/** Browser ms of the last message from the server; 0 = never. */
	lastHeardAt: number;
	/** Browser ms when the board was opened. */
	openedAt: number;
	/** Browser ms now. */
	now: number;
}

export function freshness({ status, lastHeardAt, openedAt, now }: FreshnessInput): Freshness {
	const heard = lastHeardAt > 0;
	const ageSeconds = heard ? Math.max(0, Math.floor((now - lastHeardAt) / 1000)) : null;
	const since = heard ? lastHeardAt : openedAt;
	if (status === 'ended') return { state: 'ended', ageSeconds, staleSinceMs: since };
	if (status === 'live') return { state: 'live', ageSeconds, staleSinceMs: null };
	// The feed gives a first connection the deadline's grace before it calls itself stale.
	if (status === 'connecting') return { state: 'connecting', ageSeconds, staleSinceMs: null };
	return { state: 'stale', ageSeconds, staleSinceMs: since };
}
