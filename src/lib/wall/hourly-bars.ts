/**
 * The bars of a wall tile's hourly chart (routes/wall/HourlyChart.svelte), in the chart's
 * viewBox: BAR units a bucket, HEIGHT tall, the scale's top (`peak`) at the top.
 */

export const BAR = 10;
export const HEIGHT = 100;
/** A bar of one abandoned call must still show from across the room: at least this tall. */
export const MIN_VISIBLE = 12;

export interface Bar {
	kind: 'answered' | 'abandoned';
	/** The bucket of the current hour, drawn brighter. */
	now: boolean;
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * The bars to draw: only those with a height (a quiet hour draws nothing). Answered from the
 * baseline; abandoned stacked on it, at least MIN_VISIBLE tall, clipped at the top.
 */
export function hourlyBars(
	answered: readonly number[],
	abandoned: readonly number[],
	peak: number,
	currentHour: number
): Bar[] {
	const height = (value: number) => (value / peak) * HEIGHT;
	const bars: Bar[] = [];
	for (let i = 0; i < answered.length; i++) {
		const now = i === currentHour;
		const up = height(answered[i]);
		if (up > 0) bars.push({ kind: 'answered', now, x: i * BAR + 1, y: HEIGHT - up, width: BAR - 2, height: up }); // prettier-ignore
		const lost = abandoned[i] > 0 ? Math.max(MIN_VISIBLE, height(abandoned[i])) : 0;
		if (lost > 0) bars.push({ kind: 'abandoned', now, x: i * BAR + 1, y: Math.max(0, HEIGHT - up - lost), width: BAR - 2, height: lost }); // prettier-ignore
	}
	return bars;
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Puts `bars` in `group` as <rect>s: those it holds are reused, each attribute set only when it
 * differs, the rest added or removed. As Svelte markup, a keyed block of two rects and a group
 * for each of a day's 24 buckets was most of a tile's first render on a TV stick (12 of the
 * board's 26 ms, 6 tiles, unthrottled), though before the first figures every bar is empty.
 */
export function drawBars(group: SVGGElement, bars: readonly Bar[]): void {
	const rects = group.children;
	while (rects.length > bars.length) rects[rects.length - 1].remove();
	for (const [i, bar] of bars.entries()) {
		const rect = rects[i] ?? group.appendChild(document.createElementNS(SVG, 'rect'));
		set(rect, 'class', bar.now ? `${bar.kind} now` : bar.kind);
		set(rect, 'x', String(bar.x));
		set(rect, 'y', String(bar.y));
		set(rect, 'width', String(bar.width));
		set(rect, 'height', String(bar.height));
	}
}

function set(element: Element, name: string, value: string): void {
	if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}
