import { AppServer } from '../../scripts/lib/app-server';
import { waitFor, type Stack } from './stack';

/**
 * The production server (build/server.js) for the wall tests, on a Stack of its own, with a clock the
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
	readonly #server: AppServer;
	/** The server's own port (a proxy in front of it may be the page's address). */
	readonly port: number;
	#offsetMs = 0;
	#acks: string[] = [];

	constructor(stack: Stack, port: number) {
		this.#server = new AppServer({
			env: stack.env,
			port,
			nodeArgs: ['--import', CLOCK_PRELOAD],
			stdio: ['pipe', 'pipe', 'inherit']
		});
		this.port = port;
		this.url = `http://127.0.0.1:${port}`;
	}

	/** The server's clock now. */
	now(): number {
		return Date.now() + this.#offsetMs;
	}

	async start(offsetMs = this.#offsetMs, env: Record<string, string> = {}): Promise<void> {
		this.#offsetMs = offsetMs;
		await this.#server.start({ IL_TEST_CLOCK_OFFSET_MS: String(offsetMs), ...env });
		const stdout = this.#server.process?.stdout;
		stdout?.setEncoding('utf8');
		stdout?.on('data', (text: string) => {
			for (const line of text.split('\n')) if (line.startsWith('clock ')) this.#acks.push(line);
		});
	}

	/** Moves the server's clock to `serverMs` (the board follows at its next heartbeat). */
	async setClock(serverMs: number): Promise<void> {
		const offset = Math.round(serverMs - Date.now());
		this.#server.process?.stdin?.write(`${offset}\n`);
		await waitFor(() => this.#acks.includes(`clock ${offset}`), 5_000, 'the clock to move');
		this.#offsetMs = offset;
	}

	stop(): Promise<void> {
		return this.#server.stop();
	}

	/** Freezes the process: its sockets stay open but it says nothing, like a hung server. */
	freeze(): void {
		this.#server.process?.kill('SIGSTOP');
	}

	thaw(): void {
		this.#server.process?.kill('SIGCONT');
	}
}
