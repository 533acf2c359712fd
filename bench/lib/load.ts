import { spawn, type ChildProcess } from 'node:child_process';
import { now, sleep } from './stats';

/**
 * A load process (bench/load/worker.ts): socket fleets and polling dashboards run there, so
 * their work does not delay the commit acknowledgements timed here. Commands go over IPC
 * with structured-clone serialization (typed arrays pass as they are).
 */

interface Reply {
	id: number;
	ok: boolean;
	result?: unknown;
	error?: string;
}

export class LoadProcess {
	#child: ChildProcess;
	#next = 1;
	#pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
	#exited: Promise<void>;

	constructor(readonly name: string) {
		this.#child = spawn(process.execPath, ['--import', 'tsx', 'bench/load/worker.ts'], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			serialization: 'advanced'
		});
		this.#child.on('message', (message: Reply) => {
			const waiter = this.#pending.get(message.id);
			if (!waiter) return;
			this.#pending.delete(message.id);
			if (message.ok) waiter.resolve(message.result);
			else waiter.reject(new Error(`${this.name}: ${message.error}`));
		});
		this.#exited = new Promise((resolve) => {
			this.#child.once('exit', (code) => {
				for (const waiter of this.#pending.values()) {
					waiter.reject(new Error(`load process ${this.name} exited (${code})`));
				}
				this.#pending.clear();
				resolve();
			});
		});
	}

	get pid(): number {
		return this.#child.pid ?? 0;
	}

	call<T>(command: string, args: unknown = {}, timeoutMs = 600_000): Promise<T> {
		const id = this.#next++;
		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#pending.delete(id);
				reject(new Error(`${this.name}: ${command} timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			this.#pending.set(id, {
				resolve: (v) => {
					clearTimeout(timer);
					resolve(v as T);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				}
			});
			this.#child.send({ id, command, args });
		});
	}

	/** The load process's clock minus ours (ms), from the round trip with the least delay. */
	async clockOffset(): Promise<number> {
		let best = { rtt: Infinity, offset: 0 };
		for (let i = 0; i < 20; i++) {
			const t0 = now();
			const theirs = await this.call<number>('now');
			const t1 = now();
			if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 };
		}
		return best.offset;
	}

	async stop(): Promise<void> {
		if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
		try {
			await this.call('exit', {}, 20_000);
		} catch {
			// already gone, or stuck: killed below
		}
		const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
		await this.#exited;
		clearTimeout(timer);
	}
}

/**
 * Waits until a fleet has taken everything in flight: every client connected (a dropped one
 * reconnects and resumes, up to 10 s later) and no new delivery for a second; at most maxMs.
 */
export async function settleFleet(load: LoadProcess, maxMs: number): Promise<void> {
	const deadline = Date.now() + maxMs;
	let last = -1;
	let still = 0;
	while (Date.now() < deadline && still < 2) {
		await sleep(500);
		const { deliveries, disconnected } = await load.call<{ deliveries: number; disconnected: number }>('progress'); // prettier-ignore
		still = deliveries === last && disconnected === 0 ? still + 1 : 0;
		last = deliveries;
	}
}
