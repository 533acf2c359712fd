/**
 * A supervisor's choice of how alerts reach them beyond the screen itself: a sound, and the
 * browser's own notifications (seen with the tab in the background). Both off until chosen,
 * and remembered per browser (localStorage), not per account: the same person wants silence
 * on a laptop in a meeting and sound at the desk.
 */

const STORAGE_KEY = 'interactions-live.alert-prefs';

interface Stored {
	sound: boolean;
	notifications: boolean;
}

export class AlertPrefs {
	sound = $state(false);
	notifications = $state(false);
	/** Why notifications could not be turned on (unsupported, or blocked in the browser). */
	notice = $state<string | null>(null);

	/** Reads the stored choice; call in the browser (an effect), never during a server render. */
	load(): void {
		try {
			const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
			this.sound = stored.sound === true;
			// A permission withdrawn in the browser's settings since: the choice no longer holds.
			this.notifications = stored.notifications === true && notificationsGranted();
		} catch {
			// Storage refused (private mode, policy) or a damaged value: the defaults, both off.
		}
	}

	setSound(on: boolean): void {
		this.sound = on;
		this.#save();
	}

	/** Turning them on asks the browser's permission first (this must follow a click). */
	async setNotifications(on: boolean): Promise<void> {
		this.notice = null;
		if (on) {
			if (typeof Notification === 'undefined') {
				this.notice = 'This browser cannot show notifications.';
				on = false;
			} else if (Notification.permission !== 'granted') {
				const answer = await Notification.requestPermission();
				if (answer !== 'granted') {
					this.notice =
						'Notifications are blocked for this site: allow them in the browser’s site settings.';
					on = false;
				}
			}
		}
		this.notifications = on;
		this.#save();
	}

	#save(): void {
		const stored: Stored = { sound: this.sound, notifications: this.notifications };
		try {
			localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
		} catch {
			// Not remembered, but in force for this page.
		}
	}
}

export function notificationsGranted(): boolean {
	return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}
