import { describe, expect, it } from 'vitest';
import { LinkWatch, PROBE_TIMEOUT_MS, STALE_AFTER_MS } from '$lib/live/link-watch';
import { ManualClock } from './manual-clock';

/** A watch whose events are logged with their time; probes are answered only when told. */
function setup(options: { connected?: boolean } = {}) {
	const clock = new ManualClock();
	const log: string[] = [];
	const answers: (() => void)[] = [];
	const watch = new LinkWatch(
		{
			stale: () => log.push(`stale@${clock.now()}`),
			probe: (answered) => {
				if (options.connected === false) return false;
				log.push(`probe@${clock.now()}`);
				answers.push(answered);
				return true;
			},
			hung: () => log.push(`hung@${clock.now()}`)
		},
		clock
	);
	return { clock, log, answers, watch };
}

describe('LinkWatch', () => {
	it('stays quiet while the server speaks, however long', () => {
		const { clock, log, watch } = setup();
		watch.start();
		for (let i = 0; i < 60; i++) {
			clock.advance(1000);
			watch.heard();
		}
		expect(log).toEqual([]);
		expect(watch.stale).toBe(false);
	});

	it('calls a silent link stale at the deadline, probes it, and gives it up unanswered', () => {
		const { clock, log, watch } = setup();
		watch.start();
		clock.advance(500);
		watch.heard();
		clock.advance(10_000);
		const staleAt = 500 + STALE_AFTER_MS;
		expect(log.slice(0, 3)).toEqual([
			`stale@${staleAt}`,
			`probe@${staleAt}`,
			`hung@${staleAt + PROBE_TIMEOUT_MS}`
		]);
		// Stale within 5 s of the last word, with room for a late timer; redialled soon after.
		expect(STALE_AFTER_MS).toBeLessThanOrEqual(4000);
		expect(STALE_AFTER_MS + PROBE_TIMEOUT_MS).toBeLessThanOrEqual(6000);
	});

	it('keeps a link that answers its probe: stale, but not dropped', () => {
		const { clock, log, answers, watch } = setup();
		watch.start();
		clock.advance(STALE_AFTER_MS);
		expect(log).toEqual([`stale@${STALE_AFTER_MS}`, `probe@${STALE_AFTER_MS}`]);
		answers[0]();
		clock.advance(PROBE_TIMEOUT_MS);
		// Asked again while silence lasts: a link that answered once may hang later.
		expect(log.at(-1)).toBe(`probe@${STALE_AFTER_MS + PROBE_TIMEOUT_MS}`);
		expect(log.some((line) => line.startsWith('hung'))).toBe(false);
		expect(watch.stale).toBe(true);
	});

	it('ends a stale spell when the server speaks again, and says so once', () => {
		const { clock, watch } = setup();
		watch.start();
		clock.advance(STALE_AFTER_MS + 100);
		expect(watch.heard()).toBe(true);
		expect(watch.heard()).toBe(false);
		expect(watch.stale).toBe(false);
	});

	it('does not take a late timer for silence: messages may be queued behind it', () => {
		const { clock, log, watch } = setup();
		watch.start();
		// A frozen tab: nothing ran for 8 s, then the queued heartbeat is handled first.
		clock.stall(8000);
		clock.advance(0);
		watch.heard();
		clock.advance(1000);
		expect(log).toEqual([]);
	});

	it('still calls it stale after a stall when nothing was queued', () => {
		const { clock, log, watch } = setup();
		watch.start();
		clock.stall(8000);
		clock.advance(1000);
		expect(log[0]).toMatch(/^stale@/);
	});

	it('does not probe while still dialling, and stops with the link', () => {
		const { clock, log, watch } = setup({ connected: false });
		watch.start();
		clock.advance(10_000);
		expect(log).toEqual([`stale@${STALE_AFTER_MS}`]);
		watch.stop();
		expect(clock.pending).toBe(0);
	});
});
