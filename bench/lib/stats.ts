/** Small statistics for benchmark samples: percentiles, summaries, a least-squares line. */

export interface Summary {
	count: number;
	min: number;
	median: number;
	p95: number;
	p99: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values: ArrayLike<number>): Summary {
	const sorted = Float64Array.from(values).sort();
	let total = 0;
	for (const value of sorted) total += value;
	return {
		count: sorted.length,
		min: sorted.length ? sorted[0] : NaN,
		median: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted.length ? sorted[sorted.length - 1] : NaN,
		mean: sorted.length ? total / sorted.length : NaN
	};
}

/** Least-squares fit y = intercept + slope·x, with R². */
export function linearFit(
	xs: number[],
	ys: number[]
): { slope: number; intercept: number; r2: number } {
	const n = xs.length;
	if (n < 2) return { slope: NaN, intercept: NaN, r2: NaN };
	const mx = xs.reduce((a, b) => a + b, 0) / n;
	const my = ys.reduce((a, b) => a + b, 0) / n;
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	for (let i = 0; i < n; i++) {
		sxy += (xs[i] - mx) * (ys[i] - my);
		sxx += (xs[i] - mx) ** 2;
		syy += (ys[i] - my) ** 2;
	}
	const slope = sxx === 0 ? 0 : sxy / sxx;
	const r2 = sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
	return { slope, intercept: my - slope * mx, r2 };
}

/** A number for a table: significant but short. */
export function fmt(value: number | null | undefined, digits = 1): string {
	if (value === null || value === undefined || Number.isNaN(value)) return '–';
	if (!Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
	if (abs >= 100) return value.toFixed(0);
	if (abs >= 10) return value.toFixed(Math.min(digits, 1));
	return value.toFixed(Math.max(digits, abs < 1 && abs > 0 ? 2 : digits));
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one host. */
export function now(): number {
	return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** requestAnimationFrame timestamps → frames in each whole second between the first and last. */
export function framesPerSecond(frames: number[]): Summary {
	if (frames.length < 2) return summarize([]);
	const first = frames[0];
	const seconds = Math.floor((frames[frames.length - 1] - first) / 1000);
	const counts = new Array<number>(seconds).fill(0);
	for (const t of frames) {
		const i = Math.floor((t - first) / 1000);
		if (i < seconds) counts[i]++;
	}
	return summarize(counts);
}
