import { describe, it, expect } from 'vitest';
import { EventBus, Priority } from '$lib/server/events';

interface TestEvents {
	said: [word: string];
	quiet: [];
}

describe('EventBus', () => {
	it('runs handlers by priority, then in the order they were registered', async () => {
		const bus = new EventBus<TestEvents>();
		const heard: string[] = [];
		bus.on('said', (word) => void heard.push(`peers:${word}`), Priority.otherNodes);
		bus.on('said', (word) => void heard.push(`first:${word}`));
		bus.on('said', (word) => void heard.push(`second:${word}`), Priority.thisNode);
		await bus.emit('said', 'hi');
		expect(heard).toEqual(['first:hi', 'second:hi', 'peers:hi']);
	});

	it('is synchronous while every handler is', () => {
		const bus = new EventBus<TestEvents>();
		const heard: string[] = [];
		bus.on('said', (word) => void heard.push(word));
		void bus.emit('said', 'now');
		expect(heard).toEqual(['now']);
	});

	it('waits for a handler that returns a promise before the next one runs', async () => {
		const bus = new EventBus<TestEvents>();
		const heard: string[] = [];
		let finish = () => {};
		bus.on('quiet', () => new Promise<void>((resolve) => (finish = resolve)));
		bus.on('quiet', () => void heard.push('after'), Priority.otherNodes);
		const emitted = bus.emit('quiet');
		await Promise.resolve();
		expect(heard).toEqual([]);
		finish();
		await emitted;
		expect(heard).toEqual(['after']);
	});

	it('rejects with a failing handler, and the handlers after it do not run', async () => {
		const bus = new EventBus<TestEvents>();
		const heard: string[] = [];
		bus.on('quiet', () => Promise.reject(new Error('could not')));
		bus.on('quiet', () => void heard.push('after'), Priority.otherNodes);
		await expect(bus.emit('quiet')).rejects.toThrow('could not');
		expect(heard).toEqual([]);
	});

	it('runs every handler once when one unregisters itself while the event is handled', async () => {
		const bus = new EventBus<TestEvents>();
		const heard: string[] = [];
		const off = bus.on('said', () => {
			heard.push('once');
			off();
		});
		bus.on('said', (word) => void heard.push(word));
		await bus.emit('said', 'a');
		await bus.emit('said', 'b');
		expect(heard).toEqual(['once', 'a', 'b']);
	});

	it('keeps events apart', async () => {
		const bus = new EventBus<TestEvents>();
		const heard: string[] = [];
		bus.on('said', (word) => void heard.push(word));
		await bus.emit('quiet');
		expect(heard).toEqual([]);
	});
});
