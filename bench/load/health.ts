import { now, sleep } from '../lib/stats';

/**
 * Times `GET /health` every `everyMs`, one request at a time, from a load process (so the
 * bench's own work does not delay it): how long a balancer's check, and any other request,
 * waits for a busy node.
 */
export class HealthProbe {
	#latencies: number[] = [];
	#failures = 0;
	#running: Promise<void> | null = null;
	#stopped = false;

	start(args: { url: string; everyMs: number }): void {
		this.#running = this.#run(args.url, args.everyMs);
	}

	/** The latencies (ms) seen since the start, and the requests that failed. */
	async stop(): Promise<{ latencies: number[]; failures: number }> {
		this.#stopped = true;
		await this.#running;
		return { latencies: this.#latencies, failures: this.#failures };
	}

	async #run(url: string, everyMs: number): Promise<void> {
		while (!this.#stopped) {
			const started = now();
			try {
				const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(30_000) });
				await response.arrayBuffer();
				if (response.ok) this.#latencies.push(now() - started);
				else this.#failures++;
			} catch {
				this.#failures++;
			}
			await sleep(Math.max(0, everyMs - (now() - started)));
		}
	}
}
