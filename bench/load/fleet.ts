import { io, type Socket } from 'socket.io-client';
import type { InteractionChange } from '../../src/lib/interaction';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	SubscribeReply
} from '../../src/lib/realtime';
import { keyOf, type AckTable, type KeySpace } from '../lib/keys';
import { now } from '../lib/stats';
import { deliveryResults } from './delivery';

/**
 * Socket.IO clients as the browser's LiveFeed talks: websocket, the session cookie, then
 * `live:subscribe`; after a disconnect they reconnect and resume from their last sequence, as
 * the browser does, so a change missed while away arrives in the replay (late, not lost).
 * While recording, each client keeps (key, receive time) of every change.
 */

export interface ClientSpec {
	cookie: string;
	request: { tenantId?: number; queueIds?: number[] };
	/** What this client may see: its tenant, and its queues (null = the whole tenant). */
	scope: { tenantId: number; queueIds: number[] | null };
}

export interface Client {
	spec: ClientSpec;
	socket: Socket<ServerToClientEvents, ClientToServerEvents>;
	keys: number[];
	times: number[];
	disconnects: number;
	epoch: string;
	seq: number;
	/** Resumes that got a fresh snapshot instead of the missed changes. */
	resnapshots: number;
}

export class Fleet {
	#clients: Client[] = [];
	#space: KeySpace | null = null;
	/** Why clients were disconnected (Socket.IO's reason), while recording or not. */
	#reasons: Record<string, number> = {};

	async open(args: { url: string; clients: ClientSpec[]; concurrency: number }) {
		const started = now();
		const errors: string[] = [];
		let snapshotRows = 0;
		const queue = [...args.clients];
		const openOne = async (spec: ClientSpec) => {
			const socket: Client['socket'] = io(args.url, {
				transports: ['websocket'],
				extraHeaders: { cookie: spec.cookie },
				forceNew: true,
				reconnectionDelay: 500,
				reconnectionDelayMax: 10_000,
				timeout: 60_000
			});
			const client: Client = { spec, socket, keys: [], times: [], disconnects: 0, epoch: '', seq: 0, resnapshots: 0 }; // prettier-ignore
			socket.on('disconnect', (reason) => {
				client.disconnects++;
				this.#reasons[reason] = (this.#reasons[reason] ?? 0) + 1;
			});
			socket.on('live:changes', ({ changes }) => this.#receive(client, changes));
			socket.io.on('reconnect', () => this.#resume(client));
			try {
				const reply = await new Promise<SubscribeReply>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error('subscribe timed out')), 120_000);
					socket.once('connect_error', (e) => reject(e));
					socket.once('connect', () =>
						socket.emit('live:subscribe', spec.request, (r: SubscribeReply) => {
							clearTimeout(timer);
							resolve(r);
						})
					);
				});
				if (!reply.ok) throw new Error(reply.error);
				if (reply.kind === 'snapshot') {
					snapshotRows += reply.snapshot.rows.length;
					client.epoch = reply.snapshot.epoch;
					client.seq = reply.snapshot.seq;
				}
				this.#clients.push(client);
			} catch (error) {
				errors.push((error as Error).message);
				socket.close();
			}
		};
		const worker = async () => {
			for (let spec = queue.shift(); spec; spec = queue.shift()) await openOne(spec);
		};
		await Promise.all(Array.from({ length: args.concurrency }, worker));
		return {
			opened: args.clients.length - errors.length,
			failed: errors.length,
			firstError: errors[0] ?? null,
			seconds: (now() - started) / 1000,
			snapshotRows
		};
	}

	#resume(client: Client): void {
		const request = { ...client.spec.request, resume: { epoch: client.epoch, seq: client.seq } };
		client.socket.emit('live:subscribe', request, (reply: SubscribeReply) => {
			if (!reply.ok) return;
			if (reply.kind === 'replay') this.#receive(client, reply.changes);
			else {
				client.resnapshots++;
				client.epoch = reply.snapshot.epoch;
				client.seq = reply.snapshot.seq;
			}
		});
	}

	#receive(client: Client, changes: InteractionChange[]): void {
		const space = this.#space;
		const t = now();
		for (const change of changes) {
			// As the browser: what is at or below the last sequence applied was seen already.
			if (change.seq <= client.seq) continue;
			client.seq = change.seq;
			if (!space || !change.row) continue;
			const key = keyOf(space, change.id, change.row.status);
			if (key < 0) continue;
			client.keys.push(key);
			client.times.push(t);
		}
	}

	record(space: KeySpace): void {
		for (const client of this.#clients) {
			client.keys = [];
			client.times = [];
		}
		this.#space = space;
	}

	/** Deliveries recorded so far (all clients together), and clients not connected now. */
	progress(): { deliveries: number; disconnected: number } {
		return {
			deliveries: this.#clients.reduce((n, c) => n + c.keys.length, 0),
			disconnected: this.#clients.filter((c) => !c.socket.connected).length
		};
	}

	stopRecording(): void {
		this.#space = null;
	}

	/** Delivered vs expected per client, and delivery latency (commit ack → received). */
	results(table: AckTable, offsetMs: number) {
		return { ...deliveryResults(this.#clients, table, offsetMs), disconnectReasons: { ...this.#reasons } }; // prettier-ignore
	}

	async close(): Promise<void> {
		for (const client of this.#clients) client.socket.close();
		this.#clients = [];
	}
}
