/**
 * Limits on what a screen asks of the socket server. Every subscribe resolves a scope, joins rooms and reads a snapshot or a
 * replay, and a refusal writes an audit row: a scripted client looping on `live:subscribe` must
 * cost the server no more than a screen does.
 */

/**
 * Engine.IO's pings: a socket that answers none within PING_TIMEOUT_MS of one is dropped as hung
 * (and resumes by replay when it reconnects).
 */
export const PING_INTERVAL_MS = 10_000;
export const PING_TIMEOUT_MS = 8_000;

/**
 * Subscribes one sign-in or wall link may burst, all its sockets together, and how fast it earns
 * new ones. Screens subscribe a handful of times an hour (connect, reconnect, resync, access
 * change); a sign-in's tabs reconnecting together after a restart fit in the burst.
 */
export const SUBSCRIBE_BURST = 20;
export const SUBSCRIBE_REFILL_MS = 1000;

/** A token bucket: `take` says whether one more event fits. */
export class RateLimit {
	#tokens: number;
	#at: number;

	constructor(
		private readonly burst: number,
		private readonly refillMs: number,
		now = Date.now()
	) {
		this.#tokens = burst;
		this.#at = now;
	}

	take(now = Date.now()): boolean {
		this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#at) / this.refillMs);
		this.#at = now;
		if (this.#tokens < 1) return false;
		this.#tokens--;
		return true;
	}
}
