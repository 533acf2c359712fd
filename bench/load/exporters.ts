/**
 * CSV exports read as fast as a client can, in a load process: `count` exports in flight at
 * once, each started again as soon as it ends, until stopped. Rows are counted by newlines
 * (minus the header line) and the bytes are dropped.
 */

export interface ExportersArgs {
	/** The export's URL; `cookies[i]` is the session of export slot i. */
	url: string;
	cookies: string[];
}

export interface ExportersResult {
	/** Exports read to the end. */
	completed: number;
	rows: number;
	bytes: number;
	seconds: number;
	/** Answers other than 200, and reads that failed, by message. */
	errors: Record<string, number>;
}

export class Exporters {
	#running = true;
	#loops: Promise<void>[] = [];
	#started = performance.now();
	#result: ExportersResult = { completed: 0, rows: 0, bytes: 0, seconds: 0, errors: {} };

	start(args: ExportersArgs): void {
		this.#started = performance.now();
		this.#loops = args.cookies.map((cookie) => this.#loop(args.url, cookie));
	}

	async stop(): Promise<ExportersResult> {
		this.#running = false;
		await Promise.all(this.#loops);
		return { ...this.#result, seconds: (performance.now() - this.#started) / 1000 };
	}

	async #loop(url: string, cookie: string): Promise<void> {
		while (this.#running) {
			try {
				await this.#one(url, cookie);
			} catch (error) {
				this.#error((error as Error).message);
			}
		}
	}

	async #one(url: string, cookie: string): Promise<void> {
		const response = await fetch(url, { headers: { cookie } });
		if (!response.ok || !response.body) {
			await response.arrayBuffer();
			return this.#error(`HTTP ${response.status}`);
		}
		let lines = 0;
		const reader = response.body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			this.#result.bytes += value.length;
			for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++;
		}
		this.#result.rows += Math.max(0, lines - 1);
		this.#result.completed++;
	}

	#error(message: string): void {
		this.#result.errors[message] = (this.#result.errors[message] ?? 0) + 1;
	}
}
