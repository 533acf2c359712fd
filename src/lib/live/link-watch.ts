// Relative, not $lib: the bench's load workers run this under tsx (see sync.ts).
import { HEARTBEAT_INTERVAL_MS } from '../realtime';

/**
 * The one deadline every live screen uses. The server sends a heartbeat every 2 s, so a client
 * that heard nothing for 4 s is stale, whether or not its socket still looks open: a frozen
 * server, a Wi-Fi drop, a NAT that forgot the connection. Stale is not yet dead,
 * though: a node cut off from the change log falls silent on purpose and still answers. So the
 * silent link is probed, and only a probe left unanswered gives it up as hung, long before
 * Socket.IO's own ping timeout (18 s) would.
 */

/**
 * Silence after which the screen is stale: a heartbeat interval, and 2 s more for one that is
 * late (a busy server or browser). Under 5 s with room for a late timer and a frame.
 */
export const STALE_AFTER_MS = HEARTBEAT_INTERVAL_MS + 2000;
/** How long a probe may go unanswered before the link is taken for dead. */
export const PROBE_TIMEOUT_MS = 2000;
/**
 * A check this late means this thread was stalled (a frozen background tab, a long task), not
 * the link: messages that arrived meanwhile may still be queued behind the timer. Look again a
 * moment later instead of raising a false alarm.
 */
const LATE_MS = 1000;
const GRACE_MS = 500;

export interface WatchClock {
	now(): number;
	setTimeout(run: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export interface LinkWatchEvents {
	/** The server has been silent past the deadline (once per silence). */
	stale(): void;
	/** Asks the server for a sign of life; false when there is no link to ask (still dialling). */
	probe(answered: () => void): boolean;
	/** A probe went unanswered: the link is dead even if it looks open. */
	hung(): void;
}

const systemClock: WatchClock = {
	// Monotonic: a wall-clock step (NTP, a sleeping laptop's resume) must not fake a silence.
	now: () => performance.now(),
	setTimeout: (run, ms) => setTimeout(run, ms),
	clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

export class LinkWatch {
	readonly #events: LinkWatchEvents;
	readonly #clock: WatchClock;
	#lastHeard = 0;
	#stale = false;
	/** The probe in flight; a late answer to an older one proves nothing about this link. */
	#probe: { id: number; sentAt: number } | null = null;
	#probes = 0;
	#timer: unknown = undefined;
	#due = 0;

	constructor(events: LinkWatchEvents, clock: WatchClock = systemClock) {
		this.#events = events;
		this.#clock = clock;
	}

	get stale(): boolean {
		return this.#stale;
	}

	/**
	 * Watches a new link: it has until the deadline to be heard. Staleness carries over, as the
	 * screen still shows what it had.
	 */
	start(): void {
		this.#lastHeard = this.#clock.now();
		this.#probe = null;
		this.#arm(STALE_AFTER_MS);
	}

	/** No link to watch (closed, or the screen is gone). */
	stop(): void {
		if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#probe = null;
	}

	/**
	 * The server spoke. Only a timestamp: at 200 changes/s the timer is not re-armed per message,
	 * the check re-arms itself for what is left. Returns whether this ended a stale spell.
	 */
	heard(): boolean {
		this.#lastHeard = this.#clock.now();
		this.#probe = null;
		const wasStale = this.#stale;
		this.#stale = false;
		return wasStale;
	}

	#arm(ms: number): void {
		if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
		this.#due = this.#clock.now() + ms;
		this.#timer = this.#clock.setTimeout(this.#check, ms);
	}

	#check = (): void => {
		this.#timer = undefined;
		const now = this.#clock.now();
		if (now - this.#due > LATE_MS) return this.#arm(GRACE_MS);
		const silent = now - this.#lastHeard;
		if (silent < STALE_AFTER_MS) return this.#arm(STALE_AFTER_MS - silent);
		if (!this.#stale) {
			this.#stale = true;
			this.#events.stale();
		}
		const probe = this.#probe;
		if (probe && now - probe.sentAt >= PROBE_TIMEOUT_MS) {
			this.#probe = null;
			// Armed first: the handler usually stops the watch (the socket closes), and may not.
			this.#arm(STALE_AFTER_MS);
			return this.#events.hung();
		}
		if (probe) return this.#arm(PROBE_TIMEOUT_MS - (now - probe.sentAt));
		// Asking again every probe period while silent: a link that answered once may hang later.
		// In flight before it is sent, so an answer that comes at once is not missed.
		const id = ++this.#probes;
		this.#probe = { id, sentAt: now };
		const sent = this.#events.probe(() => {
			if (this.#probe?.id === id) this.#probe = null;
		});
		if (!sent && this.#probe?.id === id) this.#probe = null;
		this.#arm(sent ? PROBE_TIMEOUT_MS : STALE_AFTER_MS);
	};
}
