import { io, type Socket } from 'socket.io-client';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	SubscribeReply
} from '../../src/lib/realtime';
import { now, sleep } from '../lib/stats';

/**
 * Issue 21's flood, as a script with one sign-in would run it: open as many sockets as the
 * server lets it, then ask each for a replay from the start of the log (`resume: {epoch, seq:
 * 0}`), one after another per socket, until `replays` have been served (a refusal, for the
 * socket's rate, is not one: the script tries again). Nothing is rendered; replies are counted.
 */

type FloodSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface FloodArgs {
	url: string;
	cookie: string;
	/** Sockets to try to open (the server refuses those past its limit). */
	sockets: number;
	/** Subscribes with a resume from seq 0 to send in all. */
	replays: number;
}

export interface FloodResult {
	socketsOpened: number;
	socketsRefused: number;
	refusal: string | null;
	answered: Record<string, number>;
	bytes: number;
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
		let bytes = 0;
		let served = 0;
		const first = this.#sockets[0] ? await ask(this.#sockets[0], {}) : null;
		const epoch = first?.ok && first.kind === 'snapshot' ? first.snapshot.epoch : '';
		const one = async (socket: FloodSocket) => {
			while (served < args.replays && !this.#stopped) {
				const reply = await ask(socket, { resume: { epoch, seq: 0 } });
				if (reply.ok) served++;
				const kind = reply.ok ? reply.kind : reply.error.replace(/\d+/g, '#');
				answered[kind] = (answered[kind] ?? 0) + 1;
				bytes += JSON.stringify(reply).length;
				// Refused for its rate: the script waits as little as it may.
				if (!reply.ok) await sleep(50);
			}
		};
		await Promise.all(this.#sockets.map(one));
		return {
			socketsOpened: this.#sockets.length,
			socketsRefused: refused,
			refusal,
			answered,
			bytes,
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

function ask(socket: FloodSocket, request: unknown): Promise<SubscribeReply> {
	return new Promise((resolve) => socket.emit('live:subscribe', request, resolve));
}
