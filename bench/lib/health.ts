/**
 * `GET /health` every `everyMs`, each timed on its own and sent without waiting for the one
 * before (open loop: a stalled event loop does not thin the samples, it shows in them); `stop`
 * waits for the last. What a balancer's check, and any other request, waits for a busy node.
 */
export function sampleHealth(url: string, everyMs: number): { stop(): Promise<number[]> } {
	const times: number[] = [];
	const pending = new Set<Promise<void>>();
	const ask = async () => {
		const started = performance.now();
		const response = await fetch(`${url}/health`);
		await response.arrayBuffer();
		if (response.ok) times.push(performance.now() - started);
	};
	const timer = setInterval(() => {
		const request = ask().catch(() => {});
		pending.add(request);
		void request.finally(() => pending.delete(request));
	}, everyMs);
	return {
		async stop() {
			clearInterval(timer);
			await Promise.all(pending);
			return times;
		}
	};
}
