import type { Page } from '@playwright/test';

/**
 * Watches the wall from inside the page: animation frames (requestAnimationFrame), long tasks
 * (PerformanceObserver), and when each row of the in-progress list is first painted in a status.
 * A row changed inside a frame's animation callbacks (the feed flushes there) is rendered in
 * that frame, one changed in a plain task in the next: a message posted from the frame marks its
 * end either way (as bench/lib/browser.ts's grid probe does).
 */
export async function installWallProbe(page: Page): Promise<void> {
	await page.evaluate(() => {
		const clock = () => performance.timeOrigin + performance.now();
		const frames: number[] = [];
		const longTasks: number[] = [];
		const paints: [string, string, number][] = [];
		const seen = new Set<string>();
		const list = document.querySelector('section.list');
		if (!list) throw new Error('no list on the wall');
		for (const li of list.querySelectorAll<HTMLElement>('li[data-id]')) {
			seen.add(`${li.dataset.id}:${li.dataset.status}`);
		}
		let waiting: [string, string, number][] = [];
		const painted = new MessageChannel();
		painted.port1.onmessage = () => {
			const t = clock();
			for (const p of waiting) p[2] = t;
			waiting = [];
		};
		let inFrame = false;
		const frameEnd = new MessageChannel();
		frameEnd.port1.onmessage = () => (inFrame = false);
		const note = (node: Node, batch: [string, string, number][]) => {
			if (!(node instanceof HTMLElement) || node.tagName !== 'LI' || !node.dataset.id) return;
			const key = `${node.dataset.id}:${node.dataset.status}`;
			if (seen.has(key)) return;
			seen.add(key);
			const paint: [string, string, number] = [node.dataset.id, node.dataset.status ?? '', 0];
			paints.push(paint);
			batch.push(paint);
		};
		new MutationObserver((mutations) => {
			const batch: [string, string, number][] = [];
			for (const m of mutations) {
				if (m.type === 'attributes') note(m.target, batch);
				else m.addedNodes.forEach((n) => note(n, batch));
			}
			if (batch.length === 0) return;
			waiting.push(...batch);
			if (inFrame) painted.port2.postMessage(0);
			else requestAnimationFrame(() => painted.port2.postMessage(0));
		}).observe(list, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['data-status']
		});
		new PerformanceObserver((entries) => {
			for (const entry of entries.getEntries()) longTasks.push(entry.duration);
		}).observe({ type: 'longtask' });
		const frame = (t: number) => {
			inFrame = true;
			frameEnd.port2.postMessage(0);
			frames.push(performance.timeOrigin + t);
			if (frames.length < 200_000) requestAnimationFrame(frame);
		};
		requestAnimationFrame(frame);
		(window as unknown as { __wall: object }).__wall = { frames, longTasks, paints };
	});
}

export interface WallProbe {
	frames: number[];
	longTasks: number[];
	/** [id, status, painted at (page clock)], for rows painted since the last drain. */
	paints: [string, string, number][];
}

/** Takes what the probe collected so far (and empties it). */
export function drainWallProbe(page: Page): Promise<WallProbe> {
	return page.evaluate(() => {
		const w = (window as unknown as { __wall: WallProbe }).__wall;
		return {
			frames: w.frames.splice(0),
			longTasks: w.longTasks.splice(0),
			paints: w.paints.splice(0).filter((p) => p[2] > 0)
		};
	});
}

/** The `count` functions with the most self time in a CPU profile, as "name (file:line) ms". */
/** What this needs of CDP's Profiler.Profile. */
export interface CpuProfile {
	nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
	samples?: number[];
	timeDeltas?: number[];
}

export function topFunctions(profile: CpuProfile, count: number): string {
	const byNode = new Map<number, number>();
	const deltas = profile.timeDeltas ?? [];
	(profile.samples ?? []).forEach((id, i) => {
		byNode.set(id, (byNode.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
	});
	const byName = new Map<string, number>();
	for (const node of profile.nodes) {
		const { functionName, url, lineNumber } = node.callFrame;
		const file = url.split('/').pop() ?? '';
		const name = `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
		byName.set(name, (byName.get(name) ?? 0) + (byNode.get(node.id) ?? 0));
	}
	const total = [...byName.values()].reduce((a, b) => a + b, 0);
	return [...byName]
		.filter(([name]) => name !== '(idle)' && name !== '(program)')
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms (${((ms / total) * 100).toFixed(1)} %)`)
		.join('; ');
}
