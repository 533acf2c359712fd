import type { AcknowledgeReply, AlertsListReply, AlertsMessage, AlertView } from '../alerts';
import type { WatchClock } from '../live/link-watch';
import { compareAlerts, isOpen, mergeAlert, needsAttention } from './merge';

/**
 * The alerts a screen shows, kept on the page's own socket (the LiveFeed's): listed once the
 * socket's subscription is in place and again after every reconnect and resync (the owner calls
 * `list()` when LiveFeed.subscriptions moves: the server lists in the subscription's scope, and
 * what changed while the screen was away is in the list), followed through `alerts:changed`,
 * and acknowledged. The server sends only alerts in the socket's scope; this class trusts it
 * for that and owns nothing but the screen's copy.
 */

/** The part of a socket.io-client Socket used here, so unit tests can hand in a fake. */
export interface AlertsSocket {
	readonly connected: boolean;
	on(event: 'alerts:changed', listener: (message: AlertsMessage) => void): unknown;
	off(event: 'alerts:changed', listener: (message: AlertsMessage) => void): unknown;
	emit(event: 'alerts:list', ack: (reply: AlertsListReply) => void): unknown;
	emit(
		event: 'alerts:acknowledge',
		request: { id: number },
		ack: (reply: AcknowledgeReply) => void
	): unknown;
}

export interface ScreenAlertsHooks {
	/**
	 * A breach this screen had not seen, still needing someone: pushed as it fired, or found
	 * in the list after a reconnect (it fired while the screen was away). Never for what the
	 * first list of a page finds: those are on screen already, not news.
	 */
	fired?(alert: AlertView): void;
}

/** A list or an acknowledgement unanswered this long is given up (and a list tried again). */
export const ALERTS_REPLY_TIMEOUT_MS = 8_000;
export const ALERTS_RETRY_MS = 10_000;

const systemClock: WatchClock = {
	now: () => Date.now(),
	setTimeout: (run, ms) => setTimeout(run, ms),
	clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

export class ScreenAlerts {
	/** Every alert the screen holds, in reading order (merge.ts's compareAlerts). */
	all = $state.raw<AlertView[]>([]);
	/** The first list has been answered: an empty `all` means none, not "not known yet". */
	ready = $state(false);
	/** Why the alerts could not be listed, until a list succeeds. */
	error = $state<string | null>(null);
	readonly open = $derived(this.all.filter(isOpen));
	readonly attention = $derived(this.all.filter(needsAttention));

	readonly #socket: AlertsSocket;
	// Listeners, not state.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #fired = new Set<(alert: AlertView) => void>();
	readonly #clock: WatchClock;
	// Plain maps on purpose: the screen reads `all`, published once per message.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#byId = new Map<number, AlertView>();
	/** Changes heard while a list is in flight: its reply may be older than they are. */
	#heardDuringList: Map<number, AlertView> | null = null;
	#listSeq = 0;
	#listed = false;
	#listTimer: unknown;
	#retryTimer: unknown;
	#closed = false;

	constructor(socket: AlertsSocket, hooks: ScreenAlertsHooks = {}, clock = systemClock) {
		this.#socket = socket;
		if (hooks.fired) this.#fired.add(hooks.fired);
		this.#clock = clock;
		socket.on('alerts:changed', this.#onChanged);
	}

	/** Asks for the alerts in scope afresh: each time the screen's subscription is in place. */
	list(): void {
		if (this.#closed) return;
		const seq = ++this.#listSeq;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		this.#heardDuringList = new Map();
		this.#clock.clearTimeout(this.#retryTimer);
		this.#clock.clearTimeout(this.#listTimer);
		this.#listTimer = this.#clock.setTimeout(() => {
			if (seq !== this.#listSeq) return;
			this.#failedList('The server did not list the alerts');
		}, ALERTS_REPLY_TIMEOUT_MS);
		this.#socket.emit('alerts:list', (reply) => {
			if (seq !== this.#listSeq || this.#closed) return;
			this.#clock.clearTimeout(this.#listTimer);
			if (reply.ok) this.#takeList(reply.alerts);
			else this.#failedList(reply.error);
		});
	}

	/** Acknowledges for the signed-in person; the reply says why when it could not. */
	acknowledge(id: number): Promise<AcknowledgeReply> {
		return new Promise((resolve) => {
			if (!this.#socket.connected) {
				resolve({ ok: false, error: 'Not connected: try again when the screen is live' });
				return;
			}
			const timer = this.#clock.setTimeout(
				() => resolve({ ok: false, error: 'The server did not answer: try again' }),
				ALERTS_REPLY_TIMEOUT_MS
			);
			this.#socket.emit('alerts:acknowledge', { id }, (reply) => {
				this.#clock.clearTimeout(timer);
				if (reply.ok && !this.#closed) this.#onChanged({ alerts: [reply.alert] });
				resolve(reply);
			});
		});
	}

	/** Calls `listener` for each breach the screen announces (see ScreenAlertsHooks.fired). */
	onFired(listener: (alert: AlertView) => void): () => void {
		this.#fired.add(listener);
		return () => this.#fired.delete(listener);
	}

	get(id: number): AlertView | undefined {
		return this.#byId.get(id);
	}

	close(): void {
		this.#closed = true;
		this.#listSeq++;
		this.#clock.clearTimeout(this.#listTimer);
		this.#clock.clearTimeout(this.#retryTimer);
		this.#socket.off('alerts:changed', this.#onChanged);
		this.#fired.clear();
	}

	readonly #onChanged = (message: AlertsMessage) => {
		const fired: AlertView[] = [];
		for (const alert of message.alerts) {
			const known = this.#byId.get(alert.id);
			const merged = mergeAlert(known, alert);
			this.#byId.set(alert.id, merged);
			this.#heardDuringList?.set(alert.id, merged);
			if (!known && needsAttention(merged)) fired.push(merged);
		}
		this.#publish();
		this.#announce(fired);
	};

	/**
	 * The list replaces what the screen holds: an alert missing from it left the scope or was
	 * cleared long ago. What `alerts:changed` brought while the list was on its way is kept.
	 */
	#takeList(alerts: AlertView[]): void {
		const before = this.#byId;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const next = new Map<number, AlertView>();
		for (const alert of alerts) next.set(alert.id, mergeAlert(before.get(alert.id), alert));
		for (const [id, alert] of this.#heardDuringList ?? []) {
			next.set(id, mergeAlert(next.get(id), alert));
		}
		this.#heardDuringList = null;
		const missed = this.#listed
			? [...next.values()].filter((a) => !before.has(a.id) && needsAttention(a))
			: [];
		this.#byId = next;
		this.#listed = true;
		this.ready = true;
		this.error = null;
		this.#publish();
		this.#announce(missed);
	}

	#failedList(message: string): void {
		this.#heardDuringList = null;
		this.error = message;
		this.#clock.clearTimeout(this.#retryTimer);
		this.#retryTimer = this.#clock.setTimeout(() => {
			if (this.#socket.connected) this.list();
		}, ALERTS_RETRY_MS);
	}

	#announce(alerts: AlertView[]): void {
		for (const alert of alerts) for (const listener of this.#fired) listener(alert);
	}

	#publish(): void {
		this.all = [...this.#byId.values()].sort(compareAlerts);
	}
}
