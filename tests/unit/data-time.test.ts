import { describe, expect, it } from 'vitest';
import { currentUntil, dataTime } from '$lib/live/data-time';

describe('the time live data is true at', () => {
	const heard = { lastHeardAt: 10_700, clockSkewMs: 200 };

	it("is the screen's server time while the data is current", () => {
		expect(dataTime({ ...heard, current: true, serverNow: 9_800 })).toBe(9_800);
		expect(currentUntil({ ...heard, current: true })).toBeNull();
	});

	it('stops at the last message from the first stale frame, whatever the clock says', () => {
		// The socket dropped at 10,900, after a heartbeat at 10,700 and a tick at 10,005: the
		// figures must not read 10,005 now and 10,700 at the next tick (a timer moving on a
		// board that already says it is stale).
		const atDrop = dataTime({ ...heard, current: false, serverNow: 10_005 - 200 });
		const nextTick = dataTime({ ...heard, current: false, serverNow: 11_005 - 200 });
		const later = dataTime({ ...heard, current: false, serverNow: 60_005 - 200 });
		expect(atDrop).toBe(10_500);
		expect(nextTick).toBe(atDrop);
		expect(later).toBe(atDrop);
		expect(currentUntil({ ...heard, current: false })).toBe(10_500);
	});

	it('is the clock time on a screen that never heard the server', () => {
		const never = { lastHeardAt: 0, clockSkewMs: 0, current: false };
		expect(dataTime({ ...never, serverNow: 5_000 })).toBe(5_000);
		expect(currentUntil(never)).toBeNull();
	});
});
