/** Ascending order of numbers, or of strings by code unit. */
function ascending<T>(a: T, b: T): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Where `value` goes in `sorted` (in `order`, ascending by default): the first index, at or
 * after `from`, whose entry does not come before it.
 */
export function lowerBound<T>(
	sorted: readonly T[],
	value: T,
	order: (a: T, b: T) => number = ascending,
	from = 0
): number {
	let low = from;
	let high = sorted.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (order(sorted[mid], value) < 0) low = mid + 1;
		else high = mid;
	}
	return low;
}
