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
export interface Refusal {
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
	take(viewer: Viewer): (() => void) | Refusal {
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

/** Addresses remembered at most; past it, buckets full again (idle a minute) are forgotten. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Handshakes per client address: a bucket of `perMinute` that refills over a minute. Checked
 * before the handshake is authenticated, so a flood of them costs no session lookups.
 */
export class HandshakeRate {
	readonly #byAddress = new Map<string, { bucket: RateLimit; at: number }>();

	constructor(
		private readonly perMinute: number,
		private readonly clock: () => number = Date.now
	) {}

	take(address: string): boolean {
		const now = this.clock();
		let entry = this.#byAddress.get(address);
		if (!entry) {
			if (this.#byAddress.size >= MAX_TRACKED_ADDRESSES) this.#makeRoom(now);
			entry = { bucket: new RateLimit(this.perMinute, 60_000 / this.perMinute, now), at: now };
			this.#byAddress.set(address, entry);
		}
		entry.at = now;
		return entry.bucket.take(now);
	}

	/** Addresses tracked now. */
	get size(): number {
		return this.#byAddress.size;
	}

	#makeRoom(now: number): void {
		// A bucket idle for a minute is full again: forgetting it changes nothing.
		for (const [address, entry] of this.#byAddress) {
			if (now - entry.at >= 60_000) this.#byAddress.delete(address);
		}
		// Still full (someone dials from thousands of addresses): forget the longest known.
		const oldest = this.#byAddress.keys().next();
		if (this.#byAddress.size >= MAX_TRACKED_ADDRESSES && !oldest.done) {
			this.#byAddress.delete(oldest.value);
		}
	}
}

/** What an address over its handshake rate is told. */
export const HANDSHAKE_RATE_MESSAGE =
	'Too many connection attempts from this address: wait a minute and try again';
