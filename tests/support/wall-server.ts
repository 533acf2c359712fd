import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor, type Stack } from './stack';

/**
 * The production server (server.ts) for the wall tests, on a Stack of its own, with a clock the
 * test can move: the board follows the server's clock by design (it corrects for skew on every
 * heartbeat), so controlling time means the server's. The tests also stop, freeze and restart it.
 */

// Loaded before the server: Date (and Date.now) run `offset` ms off real time; a line with a
// number on stdin sets a new offset and is acknowledged on stdout.
const CLOCK_PRELOAD = `data:text/javascript;base64,${Buffer.from(
	`
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = Number(process.env.IL_TEST_CLOCK_OFFSET_MS || 0);
globalThis.Date = new Proxy(RealDate, {
	construct: (target, args, newTarget) =>
		Reflect.construct(target, args.length === 0 ? [realNow() + offset] : args, newTarget),
	apply: () => new RealDate(realNow() + offset).toString(),
	get: (target, key, receiver) =>
		key === 'now' ? () => realNow() + offset : Reflect.get(target, key, receiver)
});
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	pending += chunk;
	for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
		const line = pending.slice(0, i).trim();
		pending = pending.slice(i + 1);
		if (/^-?\\d+$/.test(line)) {
			offset = Number(line);
			process.stdout.write('clock ' + line + '\\n');
		}
	}
});
`
).toString('base64')}`;

export class WallServer {
	readonly url: string;
	#child: ChildProcess | null = null;
	#offsetMs = 0;
	#acks: string[] = [];

	constructor(
		private readonly stack: Stack,
		readonly port: number
	) {
		this.url = `http://127.0.0.1:${port}`;
	}

	/** The server's clock now. */
	now(): number {
		return Date.now() + this.#offsetMs;
	}

	async start(offsetMs = this.#offsetMs, env: Record<string, string> = {}): Promise<void> {
		this.#offsetMs = offsetMs;
		const child = spawn(
			process.execPath,
			['--import', CLOCK_PRELOAD, '--import', 'tsx', 'server.ts'],
			{
				env: {
					...process.env,
					...this.stack.env,
					PORT: String(this.port),
					HOST: '127.0.0.1',
					ORIGIN: this.url,
					IL_TEST_CLOCK_OFFSET_MS: String(offsetMs),
					...env
				},
				stdio: ['pipe', 'pipe', 'inherit']
			}
		);
		this.#child = child;
		child.stdout?.setEncoding('utf8');
		child.stdout?.on('data', (text: string) => {
			for (const line of text.split('\n')) if (line.startsWith('clock ')) this.#acks.push(line);
		});
		const healthy = () =>
			fetch(`${this.url}/health`).then(
				(r) => r.ok,
				() => false
			);
		await waitFor(async () => child.exitCode === null && (await healthy()), 30_000, 'server');
	}

	/** Moves the server's clock to `serverMs` (the board follows at its next heartbeat). */
	async setClock(serverMs: number): Promise<void> {
		const offset = Math.round(serverMs - Date.now());
		this.#child?.stdin?.write(`${offset}\n`);
		await waitFor(() => this.#acks.includes(`clock ${offset}`), 5_000, 'the clock to move');
		this.#offsetMs = offset;
	}

	async stop(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGCONT');
		child.kill('SIGTERM');
		await exited;
	}

	/** Freezes the process: its sockets stay open but it says nothing, like a hung server. */
	freeze(): void {
		this.#child?.kill('SIGSTOP');
	}

	thaw(): void {
		this.#child?.kill('SIGCONT');
	}
}
