import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The live feed dials its socket in a task of its own, after the page's first render: opening
 * it inside the constructor was some 11 ms of hydration's task (about 45 ms on a TV stick at 4×
 * CPU, all of it blocking time). A feed closed before that task never dials.
 */

const dials = vi.hoisted(() => ({ count: 0 }));

vi.mock('socket.io-client', () => {
	class FakeSocket {
		connected = false;
		on() {
			return this;
		}
		off() {
			return this;
		}
		emit() {
			return this;
		}
		connect() {
			dials.count++;
			return this;
		}
		disconnect() {
			return this;
		}
	}
	return {
		io: (options: { autoConnect?: boolean }) => {
			const socket = new FakeSocket();
			if (options.autoConnect !== false) socket.connect();
			return socket;
		}
	};
});

const { LiveFeed } = await import('$lib/live/feed.svelte');

afterEach(() => {
	vi.useRealTimers();
	dials.count = 0;
});

describe('LiveFeed dialling', () => {
	it('dials once, in the task after it is made', () => {
		vi.useFakeTimers();
		const feed = new LiveFeed();
		expect(dials.count).toBe(0);
		vi.advanceTimersByTime(0);
		expect(dials.count).toBe(1);
		feed.close();
	});

	it('never dials when closed before that task', () => {
		vi.useFakeTimers();
		new LiveFeed().close();
		vi.advanceTimersByTime(1_000);
		expect(dials.count).toBe(0);
	});
});
