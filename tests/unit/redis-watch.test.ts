import { describe, expect, it } from 'vitest';
import { RedisWatch } from '$lib/server/cluster/redis-watch';

/**
 * When Redis counts as lost for the standalone fallback: a failed lease command and silence past
 * the bound; silence alone (a paused process) is no proof.
 */

describe('RedisWatch', () => {
	it('counts a failed command as failing, and Redis as lost once silent past the bound', async () => {
		const watch = new RedisWatch({ lastReadAt: () => 0 });
		await expect(watch.asked(Promise.resolve('ok'))).resolves.toBe('ok');
		expect(watch.failing).toBe(false);
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(watch.lost(50)).toBe(false); // silent, but nothing failed: no proof
		await expect(watch.asked(Promise.reject(new Error('down')))).rejects.toThrow('down');
		expect(watch.failing).toBe(true);
		expect(watch.lost(1_000)).toBe(false);
		expect(watch.lost(50)).toBe(true);
		watch.answered();
		expect([watch.failing, watch.lost(50)]).toEqual([false, false]);
	});

	it('is not lost while the stream still reads, even when a command failed', async () => {
		const watch = new RedisWatch({ lastReadAt: () => performance.now() });
		await expect(watch.asked(Promise.reject(new Error('down')))).rejects.toThrow('down');
		expect(watch.failing).toBe(true);
		expect(watch.lost(10)).toBe(false);
	});
});
