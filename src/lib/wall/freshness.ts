import type { FeedStatus } from '$lib/live/feed.svelte';
import { HEARTBEAT_INTERVAL_MS } from '$lib/realtime';

/**
 * Whether the board can be trusted right now. The server speaks at least every heartbeat; a
 * board that heard nothing for two of them is stale even if its socket still looks open (a
 * frozen server, a half-dead proxy), and says since when.
 */
export const STALE_AFTER_MS = 2 * HEARTBEAT_INTERVAL_MS;

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
	if (status === 'live' && heard && now - lastHeardAt <= STALE_AFTER_MS) {
		return { state: 'live', ageSeconds, staleSinceMs: null };
	}
	// A first connection gets the same grace as a heartbeat before the board calls itself stale.
	if (!heard && status !== 'error' && now - openedAt <= STALE_AFTER_MS) {
		return { state: 'connecting', ageSeconds, staleSinceMs: null };
	}
	return { state: 'stale', ageSeconds, staleSinceMs: since };
}

export interface FiguresTimeInput {
	stale: boolean;
	/** Browser ms of the last message from the server; 0 = never. */
	lastHeardAt: number;
	/** Browser clock minus server clock. */
	clockSkewMs: number;
	/** Server time at the board's last clock tick. */
	serverNow: number;
}

/**
 * The server time a board's figures are true at: now while live; while stale, the moment the
 * server was last heard from. That moment is fixed from the first stale frame: it does not wait
 * for the next clock tick (the board can turn stale between ticks, after the last tick's time).
 */
export function figuresTime({ stale, lastHeardAt, clockSkewMs, serverNow }: FiguresTimeInput) {
	return stale && lastHeardAt > 0 ? lastHeardAt - clockSkewMs : serverNow;
}
