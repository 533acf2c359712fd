import { spawn, type ChildProcess } from 'node:child_process';
import type { Db } from './env';

/**
 * The browser floor's server (bench/floor/server.ts) in its own process, as the product's
 * server is: its CPU is its own, and the bench's writer does not wait behind it.
 */
export class FloorPipeline {
	#child: ChildProcess | null = null;
	url = '';

	constructor(
		private readonly db: Db,
		private readonly database: string
	) {}

	get pid(): number {
		return this.#child?.pid ?? 0;
	}

	async start(): Promise<void> {
		const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor/server.ts'], {
			env: {
				...process.env,
				FLOOR_DB_PORT: String(this.db.port),
				FLOOR_DATABASE: this.database
			},
			stdio: ['ignore', 'pipe', 'inherit']
		});
		this.#child = child;
		const port = await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('the floor server did not start')), 30_000);
			child.once('exit', (code) => reject(new Error(`the floor server exited (${code})`)));
			child.stdout?.setEncoding('utf8').on('data', (text: string) => {
				const match = /listening (\d+)/.exec(text);
				if (!match) return;
				clearTimeout(timer);
				resolve(Number(match[1]));
			});
		});
		this.url = `http://127.0.0.1:${port}`;
	}

	async stop(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
		await exited;
		clearTimeout(timer);
	}
}
