import { describe, expect, it } from 'vitest';
import { RedisWatch } from '$lib/server/cluster/redis-watch';

/**
 * When Redis counts as lost for the standalone fallback: a failed or unanswered lease command
 * and silence past the bound; never a stall of this process alone.
 */

const never = () => new Promise<never>(() => undefined);

function busyWait(ms: number): void {
	const until = performance.now() + ms;
	while (performance.now() < until) {
		// a stalled event loop (a long GC, a paused process)
	}
}

describe('RedisWatch', () => {
	it('counts an unanswered command as failing, and Redis as lost once silent past the bound', async () => {
		const watch = new RedisWatch({ answerWithinMs: 100, lastReadAt: () => 0 });
		await expect(watch.asked(Promise.resolve('ok'))).resolves.toBe('ok');
		expect(watch.failing).toBe(false);
		await expect(watch.asked(never())).rejects.toThrow(/did not answer within 100 ms/);
		expect(watch.failing).toBe(true);
		expect(watch.lost(1_000)).toBe(false);
		expect(watch.lost(50)).toBe(true);
		watch.answered();
		expect([watch.failing, watch.lost(50)]).toEqual([false, false]);
	});

	it('is not lost while the stream still reads, even when a command failed', async () => {
		const watch = new RedisWatch({ answerWithinMs: 100, lastReadAt: () => performance.now() });
		await expect(watch.asked(Promise.reject(new Error('down')))).rejects.toThrow('down');
		expect(watch.failing).toBe(true);
		expect(watch.lost(10)).toBe(false);
	});

	it('waits once more when its timer fires late because this process stalled', async () => {
		const watch = new RedisWatch({ answerWithinMs: 50, lastReadAt: () => 0 });
		let answer!: (value: string) => void;
		const asked = watch.asked(new Promise<string>((resolve) => (answer = resolve)));
		// Stalled past the wait; the answer comes just after (as from a socket read the stall held
		// back), before a second wait would end.
		busyWait(400);
		setTimeout(() => answer('late but there'), 20);
		await expect(asked).resolves.toBe('late but there');
		expect(watch.failing).toBe(false);
	});
});
