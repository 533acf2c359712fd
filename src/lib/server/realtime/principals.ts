import type { SocketLimits } from '../config';
import type { Viewer } from '../scope';
import { RateLimit } from './limits';

/**
 * Per-principal limits on sockets. The per-socket limits (limits.ts) bound what one socket
 * costs; these bound how many sockets one sign-in, one wall-display link or one address can
 * have, so a scripted client cannot multiply its cost by opening more.
 *
 * Over the limit, the newest handshake is refused with a message saying why; a socket already
 * open is never closed to make room, so a copied cookie or link cannot push a supervisor's
 * screen or a wall off the air. A screen whose link hung frees its place when the server drops
 * the dead socket (the ping timeout, at most 18 s), and a refused screen tries again by itself.
 */

/** Whose socket this is: one sign-in (session) or one wall-display token. */
export function principalOf(viewer: Viewer): string {
	return viewer.kind === 'wall' ? `wall:${viewer.tokenId}` : `session:${viewer.sessionId}`;
}

/** What a refused handshake is told, and when its client should try again. */
export interface SocketRefusal {
	message: string;
	retryAfterMs: number;
}

/** When a screen refused for too many sockets dials again (another may have closed meanwhile). */
export const SOCKET_LIMIT_RETRY_MS = 15_000;

export class PrincipalSockets {
	readonly #open = new Map<string, number>();

	constructor(private readonly limits: Pick<SocketLimits, 'perSession' | 'perWallToken'>) {}

	/**
	 * A place for one more socket of `viewer`: the function that frees it (safe to call twice),
	 * or the refusal when the principal has its limit open.
	 */
	take(viewer: Viewer): (() => void) | SocketRefusal {
		const key = principalOf(viewer);
		const open = this.#open.get(key) ?? 0;
		const limit = viewer.kind === 'wall' ? this.limits.perWallToken : this.limits.perSession;
		if (open >= limit) {
			const message =
				viewer.kind === 'wall'
					? `This wall-display link is open on ${limit} screens already: give each screen its own link`
					: `This sign-in has ${limit} live screens open already: close one, or sign in again in this browser`;
			return { message, retryAfterMs: SOCKET_LIMIT_RETRY_MS };
		}
		this.#open.set(key, open + 1);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const left = (this.#open.get(key) ?? 1) - 1;
			if (left > 0) this.#open.set(key, left);
			else this.#open.delete(key);
		};
	}

	/** Sockets open for `viewer`'s principal. */
	count(viewer: Viewer): number {
		return this.#open.get(principalOf(viewer)) ?? 0;
	}
}

/** Keys remembered at most; past it, buckets that have refilled are forgotten first. */
const MAX_TRACKED_KEYS = 10_000;

/**
 * Token buckets by key (a client address, a principal): `burst` at once, one more every
 * `refillMs`. A bucket is kept until it has refilled, so closing every socket and opening new
 * ones does not give a principal a fresh burst.
 */
export class RateLimits {
	readonly #byKey = new Map<string, { bucket: RateLimit; at: number }>();

	constructor(
		private readonly burst: number,
		private readonly refillMs: number,
		private readonly clock: () => number = Date.now
	) {}

	take(key: string): boolean {
		const now = this.clock();
		let entry = this.#byKey.get(key);
		if (!entry) {
			if (this.#byKey.size >= MAX_TRACKED_KEYS) this.#makeRoom(now);
			entry = { bucket: new RateLimit(this.burst, this.refillMs, now), at: now };
			this.#byKey.set(key, entry);
		}
		entry.at = now;
		return entry.bucket.take(now);
	}

	/** Keys tracked now. */
	get size(): number {
		return this.#byKey.size;
	}

	#makeRoom(now: number): void {
		// A bucket idle long enough to refill is full again: forgetting it changes nothing.
		const refilledMs = this.burst * this.refillMs;
		for (const [key, entry] of this.#byKey) {
			if (now - entry.at >= refilledMs) this.#byKey.delete(key);
		}
		// Still full (someone dials from thousands of addresses): forget the longest known.
		const oldest = this.#byKey.keys().next();
		if (this.#byKey.size >= MAX_TRACKED_KEYS && !oldest.done) this.#byKey.delete(oldest.value);
	}
}

/**
 * Handshakes per client address: a bucket of `perMinute` that refills over a minute. Checked
 * before the handshake is authenticated, so a flood of them costs no session lookups.
 */
export function handshakeRate(perMinute: number, clock: () => number = Date.now): RateLimits {
	return new RateLimits(perMinute, 60_000 / perMinute, clock);
}

/** What an address over its handshake rate is told. */
export const HANDSHAKE_RATE_MESSAGE =
	'Too many connection attempts from this address: wait a minute and try again';
