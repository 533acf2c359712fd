import { untrack } from 'svelte';
import type { AlertView } from '$lib/alerts';
import { AlertChime, CHIME_REPEAT_MS } from '$lib/alerts/chime';
import { needsAttention } from '$lib/alerts/merge';
import { AlertPrefs, notificationsGranted } from '$lib/alerts/prefs.svelte';
import { ScreenAlerts } from '$lib/alerts/screen-alerts.svelte';
import { breachText, LEVEL_WORD } from '$lib/alerts/wording';
import type { LiveFeed } from '$lib/live/feed.svelte';

/** The most toasts shown at once; the list has the rest. */
export const MAX_TOASTS = 3;

/**
 * The interactions page's alerts: the list on the page's socket (a new one with each feed, i.e.
 * each tenant switch), toasts for what fires while the page is open, and the sound and browser
 * notifications a supervisor opted into. Build it while the page initialises.
 */
export class InteractionsAlerts {
	alerts = $state<ScreenAlerts | null>(null);
	/** Ids of the alerts toasted, newest first; a toast goes once its alert no longer needs anyone. */
	toastIds = $state<number[]>([]);
	panelOpen = $state(false);
	/** Acknowledgements on their way, and why one failed (by alert id). */
	acknowledging = $state<number[]>([]);
	ackErrors = $state<Record<number, string>>({});
	readonly prefs = new AlertPrefs();
	readonly #chime = new AlertChime();
	readonly #tenantId: () => number;

	/** This tenant's alerts (a platform admin's socket may carry others'), in reading order. */
	readonly shown = $derived.by(() => {
		const tenantId = this.#tenantId();
		return (this.alerts?.all ?? []).filter((alert) => alert.tenantId === tenantId);
	});
	readonly attention = $derived(this.shown.filter(needsAttention));
	readonly toasts = $derived.by(() => {
		const attention = this.attention;
		return this.toastIds.flatMap((id) => attention.find((alert) => alert.id === id) ?? []);
	});

	constructor(feed: () => LiveFeed | null, tenantId: () => number) {
		this.#tenantId = tenantId;

		$effect(() => {
			const current = feed();
			if (!current) return;
			const alerts = new ScreenAlerts(current.socket);
			const stop = alerts.onFired((alert) => this.#fired(alert));
			untrack(() => {
				this.alerts = alerts;
				this.toastIds = [];
			});
			return () => {
				stop();
				alerts.close();
			};
		});

		// Listed in the subscription's scope each time it is in place: first, after a reconnect
		// (what fired meanwhile), after the viewer's queues were re-assigned (a resync).
		$effect(() => {
			if ((feed()?.subscriptions ?? 0) > 0) untrack(() => this.alerts?.list());
		});

		$effect(() => {
			this.prefs.load();
			// Browsers hold sound back until the page is touched: a click anywhere counts.
			const unlock = () => this.#chime.unlock();
			document.addEventListener('pointerdown', unlock);
			document.addEventListener('keydown', unlock);
			return () => {
				document.removeEventListener('pointerdown', unlock);
				document.removeEventListener('keydown', unlock);
				this.#chime.close();
			};
		});

		// The sound comes back every CHIME_REPEAT_MS until someone acknowledges (or it clears).
		$effect(() => {
			const first = this.attention[0];
			if (!this.prefs.sound || !first) return;
			const level = first.level;
			const timer = setInterval(() => this.#chime.play(level), CHIME_REPEAT_MS);
			return () => clearInterval(timer);
		});
	}

	readonly acknowledge = async (alert: AlertView): Promise<boolean> => {
		const alerts = this.alerts;
		if (!alerts || this.acknowledging.includes(alert.id)) return false;
		this.acknowledging = [...this.acknowledging, alert.id];
		this.ackErrors = Object.fromEntries(
			Object.entries(this.ackErrors).filter(([id]) => Number(id) !== alert.id)
		);
		const reply = await alerts.acknowledge(alert.id);
		this.acknowledging = this.acknowledging.filter((id) => id !== alert.id);
		if (!reply.ok) this.ackErrors = { ...this.ackErrors, [alert.id]: reply.error };
		return reply.ok;
	};

	readonly dismiss = (id: number) => {
		this.toastIds = this.toastIds.filter((toast) => toast !== id);
	};

	#fired(alert: AlertView): void {
		if (alert.tenantId !== this.#tenantId()) return;
		this.toastIds = [alert.id, ...this.toastIds.filter((id) => id !== alert.id)];
		if (this.prefs.sound) this.#chime.play(alert.level);
		if (this.prefs.notifications) notify(alert);
	}
}

/** A browser notification, when the page is not in front (in front, the toast says it). */
function notify(alert: AlertView): void {
	const inFront = document.visibilityState === 'visible' && document.hasFocus();
	if (!notificationsGranted() || inFront) return;
	const note = new Notification(`${LEVEL_WORD[alert.level]} alert · ${alert.queueName}`, {
		body: breachText(alert),
		tag: `alert-${alert.id}`
	});
	note.onclick = () => {
		window.focus();
		note.close();
	};
}
