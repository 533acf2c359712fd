import type { AlertLevel } from '../alerts';

/**
 * The sound of an alert, made with the Web Audio API: no file to ship, load or cache, and the
 * same on the wall and on a supervisor's screen. A critical alert rings three rising notes, a
 * warning two. Browsers refuse sound until the page has had a click or a key (a wall started
 * by a kiosk browser may be allowed up front: see the README); `play` says whether it could.
 */

/** While someone still has to act, the sound comes again this often (an acknowledgement stops it). */
export const CHIME_REPEAT_MS = 60_000;

const NOTES: Record<AlertLevel, number[]> = {
	critical: [660, 880, 1100],
	warning: [660, 880]
};
const NOTE_SECONDS = 0.18;
const VOLUME = 0.25;

export class AlertChime {
	#context: AudioContext | null = null;
	/** How many chimes have been started: the page shows it to tests and to whoever debugs it. */
	played = 0;

	/** Call from a click or key press: lets a blocked context start. */
	unlock(): void {
		void this.#audio()?.resume();
	}

	/** Rings once; false when the browser does not (yet) allow sound on this page. */
	play(level: AlertLevel): boolean {
		const context = this.#audio();
		if (!context) return false;
		if (context.state === 'suspended') void context.resume();
		if (context.state !== 'running') return false;
		const start = context.currentTime + 0.02;
		NOTES[level].forEach((frequency, i) => {
			const at = start + i * NOTE_SECONDS;
			const tone = context.createOscillator();
			const gain = context.createGain();
			tone.type = 'sine';
			tone.frequency.value = frequency;
			gain.gain.setValueAtTime(0, at);
			gain.gain.linearRampToValueAtTime(VOLUME, at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.001, at + NOTE_SECONDS * 1.6);
			tone.connect(gain).connect(context.destination);
			tone.start(at);
			tone.stop(at + NOTE_SECONDS * 1.7);
		});
		this.played++;
		return true;
	}

	close(): void {
		void this.#context?.close();
		this.#context = null;
	}

	#audio(): AudioContext | null {
		if (this.#context) return this.#context;
		if (typeof AudioContext !== 'function') return null;
		this.#context = new AudioContext();
		return this.#context;
	}
}
