import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';

/**
 * A Chromium trace of a page (BENCH_TRACE): its main thread's tasks, frames, garbage
 * collections and a CPU profile, written as JSON for DevTools' Performance panel.
 */
export class Trace {
	private constructor(private readonly cdp: CDPSession) {}
	static async start(page: Page): Promise<Trace> {
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Tracing.start', {
			transferMode: 'ReturnAsStream',
			traceConfig: {
				includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'v8', 'blink.user_timing', 'toplevel', 'disabled-by-default-v8.gc'] // prettier-ignore
			}
		});
		return new Trace(cdp);
	}
	async stop(path: string): Promise<void> {
		const done = new Promise<string>((resolve) => this.cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream as string))); // prettier-ignore
		await this.cdp.send('Tracing.end');
		const handle = await done;
		let text = '';
		for (;;) {
			const chunk = await this.cdp.send('IO.read', { handle, size: 1 << 20 });
			text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
			if (chunk.eof) break;
		}
		await this.cdp.send('IO.close', { handle });
		writeFileSync(path, text);
		await this.cdp.detach();
	}
}

/** A sampling heap profile of a page (BENCH_HEAP), objects the collector took back included. */
export class HeapSampling {
	private constructor(private readonly cdp: CDPSession) {}
	static async start(page: Page): Promise<HeapSampling> {
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('HeapProfiler.enable');
		await cdp.send('HeapProfiler.startSampling', {
			samplingInterval: 1024,
			includeObjectsCollectedByMajorGC: !process.env.BENCH_HEAP_LIVE,
			includeObjectsCollectedByMinorGC: !process.env.BENCH_HEAP_LIVE
		});
		return new HeapSampling(cdp);
	}
	async stop(path: string): Promise<void> {
		const { profile } = await this.cdp.send('HeapProfiler.stopSampling');
		writeFileSync(path, JSON.stringify(profile));
		await this.cdp.detach();
	}
}
