import { afterEach, describe, expect, it, vi } from 'vitest';
import { FiguresPace, RenderPace } from '$lib/live/render-pace';

/**
 * A paced view (the wall's list) draws the first change after a quiet spell in the next task,
 * and a busy stream of changes at most once per interval. Figures (tiles, the strip) follow in
 * those renders, not in frames of their own, and always take in the last change.
 */

afterEach(() => vi.useRealTimers());

function paced(everyMs: number) {
	vi.useFakeTimers();
	const runs: number[] = [];
	const pace = new RenderPace(
		() => runs.push(Date.now()),
		everyMs,
		() => Date.now()
	);
	return { pace, runs };
}

describe('RenderPace with an interval', () => {
	it('draws a change after a quiet spell in the next task, not an interval later', () => {
		const { pace, runs } = paced(150);
		vi.advanceTimersByTime(1_000);
		pace.request();
		expect(runs).toEqual([]);
		vi.advanceTimersByTime(0);
		expect(runs).toHaveLength(1);
	});

	it('draws a steady stream at most once per interval, the last change included', () => {
		const { pace, runs } = paced(150);
		const start = Date.now();
		// 50 changes a second for two seconds.
		for (let t = 0; t < 2_000; t += 20) {
			pace.request();
			vi.advanceTimersByTime(20);
		}
		vi.advanceTimersByTime(150);
		const gaps = runs.slice(1).map((at, i) => at - runs[i]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
		// One at once, then one every 150 ms until the last change (at 1,980 ms) is drawn.
		expect(runs).toHaveLength(15);
		expect(runs.at(-1)! - start).toBeGreaterThanOrEqual(1_980);
	});

	it('asks once however often it is asked before it runs', () => {
		const { pace, runs } = paced(150);
		pace.request();
		pace.request();
		pace.request();
		vi.advanceTimersByTime(1_000);
		expect(runs).toHaveLength(1);
	});

	it('runs now when told, and then not again for what was asked before', () => {
		const { pace, runs } = paced(150);
		pace.request();
		pace.runNow();
		expect(runs).toHaveLength(1);
		vi.advanceTimersByTime(1_000);
		expect(runs).toHaveLength(1);
	});

	it('runs nothing once cancelled', () => {
		const { pace, runs } = paced(150);
		pace.request();
		pace.cancel();
		vi.advanceTimersByTime(1_000);
		expect(runs).toEqual([]);
	});
});

describe('FiguresPace', () => {
	function figures() {
		vi.useFakeTimers();
		const runs: number[] = [];
		const pace = new FiguresPace(
			() => runs.push(Date.now()),
			250,
			150,
			() => Date.now()
		);
		return { pace, runs };
	}

	it('follows a busy stream of renders only in those renders, at most every 250 ms', () => {
		const { pace, runs } = figures();
		const renders: number[] = [];
		// The wall's list at 50 changes a second: a render every 150 ms for three seconds.
		for (let t = 0; t < 3_000; t += 150) {
			renders.push(Date.now());
			pace.rendered();
			vi.advanceTimersByTime(150);
		}
		expect(runs.length).toBeGreaterThan(5);
		for (const at of runs.slice(0, -1)) expect(renders).toContain(at);
		const gaps = runs.slice(1).map((at, i) => at - runs[i]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
	});

	it('takes in the last render on a timer when no render comes after', () => {
		const { pace, runs } = figures();
		pace.rendered();
		vi.advanceTimersByTime(100);
		pace.rendered();
		expect(runs).toHaveLength(1);
		vi.advanceTimersByTime(150 + 150);
		expect(runs).toHaveLength(2);
		vi.advanceTimersByTime(10_000);
		expect(runs).toHaveLength(2);
	});

	it('follows at once when told (a snapshot), and after a quiet spell', () => {
		const { pace, runs } = figures();
		pace.rendered();
		pace.rendered(true);
		expect(runs).toHaveLength(2);
		vi.advanceTimersByTime(1_000);
		pace.rendered();
		expect(runs).toHaveLength(3);
	});

	it('follows a short task (a snapshot part) in a task of its own, once due', () => {
		const { pace, runs } = figures();
		pace.later();
		expect(runs).toHaveLength(0);
		vi.advanceTimersByTime(150);
		expect(runs).toHaveLength(1);
		pace.later();
		vi.advanceTimersByTime(250 + 149);
		expect(runs).toHaveLength(1);
		vi.advanceTimersByTime(1);
		expect(runs).toHaveLength(2);
	});

	it('runs nothing once cancelled', () => {
		const { pace, runs } = figures();
		pace.rendered();
		pace.rendered();
		pace.cancel();
		vi.advanceTimersByTime(1_000);
		expect(runs).toHaveLength(1);
	});
});
