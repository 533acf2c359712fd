import { io, type Socket } from 'socket.io-client';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	SubscribeReply,
	SubscribeRequest
} from '../../src/lib/realtime';
import { now, sleep } from '../lib/stats';

/**
 * Issue 21's flood, as a script with one sign-in would run it: open as many sockets as the
 * server lets it, then ask for `replays` replays from the start of the log (`resume: {epoch,
 * seq: 0}`), spread evenly over `seconds` and round the sockets, each sent without waiting for
 * the one before. Nothing is rendered; answers are counted by kind.
 */

type FloodSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface FloodArgs {
	url: string;
	cookie: string;
	/** Sockets to try to open (the server refuses those past its limit). */
	sockets: number;
	/** Subscribes with a resume from seq 0 to send in all. */
	replays: number;
	/** Over how long. */
	seconds: number;
}

export interface FloodResult {
	socketsOpened: number;
	socketsRefused: number;
	refusal: string | null;
	answered: Record<string, number>;
	/** Rows and changes the answers carried. */
	rows: number;
	seconds: number;
}

export class Flood {
	#sockets: FloodSocket[] = [];
	#stopped = false;
	#done: Promise<FloodResult> | null = null;

	/** Starts the flood; `results` waits for it. */
	start(args: FloodArgs): void {
		this.#done = this.#run(args);
	}

	async results(): Promise<FloodResult | null> {
		return this.#done;
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		await this.#done?.catch(() => null);
		for (const socket of this.#sockets) socket.close();
		this.#sockets = [];
	}

	async #run(args: FloodArgs): Promise<FloodResult> {
		const started = now();
		let refused = 0;
		let refusal: string | null = null;
		const opened = await Promise.all(
			Array.from({ length: args.sockets }, () =>
				this.#open(args).catch((error: Error) => {
					refused++;
					refusal ??= error.message;
					return null;
				})
			)
		);
		this.#sockets = opened.filter((socket): socket is FloodSocket => socket !== null);
		const answered: Record<string, number> = {};
		let rows = 0;
		const first = this.#sockets[0] ? await ask(this.#sockets[0], {}) : null;
		const epoch = first?.ok && first.kind === 'snapshot' ? first.snapshot.epoch : '';
		const gapMs = (args.seconds * 1000) / args.replays;
		const asked: Promise<void>[] = [];
		for (let i = 0; i < args.replays && this.#sockets.length > 0 && !this.#stopped; i++) {
			const socket = this.#sockets[i % this.#sockets.length];
			asked.push(
				ask(socket, { resume: { epoch, seq: 0 } }).then((reply) => {
					const kind = reply.ok ? reply.kind : reply.error.replace(/\d+/g, '#');
					answered[kind] = (answered[kind] ?? 0) + 1;
					if (reply.ok) rows += reply.kind === 'snapshot' ? reply.snapshot.rows.length : reply.changes.length; // prettier-ignore
				})
			);
			await sleep(gapMs);
		}
		await Promise.all(asked);
		return {
			socketsOpened: this.#sockets.length,
			socketsRefused: refused,
			refusal,
			answered,
			rows,
			seconds: (now() - started) / 1000
		};
	}

	#open(args: FloodArgs): Promise<FloodSocket> {
		const socket: FloodSocket = io(args.url, {
			transports: ['websocket'],
			extraHeaders: { cookie: args.cookie },
			forceNew: true,
			reconnection: false
		});
		return new Promise((resolve, reject) => {
			socket.once('connect', () => resolve(socket));
			socket.once('connect_error', (error) => {
				socket.close();
				reject(error);
			});
		});
	}
}

/**
 * One subscribe as a script sends it: not through LiveSync, which never resumes from a position
 * it did not reach; the request is still the shipped SubscribeRequest, checked by the compiler.
 */
function ask(socket: FloodSocket, request: SubscribeRequest): Promise<SubscribeReply> {
	return new Promise((resolve) => socket.emit('live:subscribe', request, resolve));
}
