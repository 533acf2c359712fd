/**
 * A tiny seeded PRNG so demo data, simulated traffic and history are reproducible run to run:
 * the same seed gives the same tenants, contacts and conversations, which makes screenshots and
 * bug reports comparable.
 */

/** mulberry32: 32-bit state, good enough statistics for fake data, and fast. */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const weightTables = new WeakMap<object, { keys: string[]; weights: number[]; total: number }>();

export class Rng {
	readonly next: () => number;

	constructor(seed: number) {
		this.next = mulberry32(seed);
	}

	/** Integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** Float in [min, max). */
	float(min: number, max: number): number {
		return min + this.next() * (max - min);
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('pick from an empty list');
		return items[Math.floor(this.next() * items.length)];
	}

	/**
	 * Picks a key of `weights` with probability proportional to its weight. The table is read
	 * once per object (callers pass constants), which matters at millions of picks.
	 */
	weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
		let table = weightTables.get(weights);
		if (!table) {
			const entries = Object.entries(weights) as [string, number][];
			table = { keys: entries.map(([key]) => key), weights: entries.map(([, w]) => w), total: 0 };
			table.total = table.weights.reduce((sum, weight) => sum + weight, 0);
			weightTables.set(weights, table);
		}
		let roll = this.next() * table.total;
		for (let i = 0; i < table.keys.length; i++) {
			roll -= table.weights[i];
			if (roll < 0) return table.keys[i] as K;
		}
		return table.keys[table.keys.length - 1] as K;
	}

	/** Digits as a string, for phone numbers and ids where leading zeros matter. */
	digits(count: number): string {
		let out = '';
		for (let i = 0; i < count; i++) out += String(Math.floor(this.next() * 10));
		return out;
	}

	/**
	 * Log-normal around `median`, clamped: call durations have a long right tail, so a
	 * uniform draw would make every call look alike.
	 */
	duration(median: number, min: number, max: number): number {
		const u = Math.max(this.next(), 1e-9);
		const v = this.next();
		const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
		return Math.min(max, Math.max(min, median * Math.exp(0.5 * normal)));
	}

	/** Seconds until the next arrival of a Poisson process with `rate` per second. */
	exponential(rate: number): number {
		return -Math.log(1 - this.next()) / rate;
	}
}
