import { io, type Socket } from 'socket.io-client';
import type { InteractionChange } from '../../src/lib/interaction';
import { LiveSync } from '../../src/lib/live/sync';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/realtime';
import { keyOf, type AckTable, type KeySpace } from '../lib/keys';
import { now, sleep } from '../lib/stats';
import { deliveryResults } from './delivery';

/**
 * Socket.IO clients that speak the browser's protocol through the same module (LiveSync, without
 * a row map: only the position is tracked): websocket, the session cookie, `live:subscribe`;
 * after a disconnect they reconnect and resume from their last sequence, so a change missed
 * while away arrives in the replay (late, not lost). While recording, each client keeps
 * (key, receive time) of every change.
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
	sync: LiveSync;
	keys: number[];
	times: number[];
	disconnects: number;
	/** Resumes that got a fresh snapshot instead of the missed changes. */
	resnapshots: number;
	heartbeats: number;
	/** Times the client's deadline called its feed stale, and gave its link up as hung. */
	stale: number;
	hung: number;
}

/** What every client of a fleet heard and concluded about its link, summed. */
export interface LinkCounters {
	heartbeats: number;
	stale: number;
	hung: number;
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
			try {
				const { client, rows } = await this.#connect(args.url, spec);
				snapshotRows += rows;
				this.#clients.push(client);
			} catch (error) {
				errors.push((error as Error).message);
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

	/** One client, once its first snapshot is in; `rows` is that snapshot's size. */
	#connect(url: string, spec: ClientSpec): Promise<{ client: Client; rows: number }> {
		const socket: Client['socket'] = io(url, {
			transports: ['websocket'],
			extraHeaders: { cookie: spec.cookie },
			forceNew: true,
			reconnectionDelay: 500,
			reconnectionDelayMax: 10_000,
			timeout: 60_000
		});
		return new Promise((resolve, reject) => {
			// The first snapshot opens the client; a later one is a resume that came back as one.
			let opened = false;
			// Only while opening: later connect errors are reconnect attempts, and they retry.
			const fail = (error: Error) => {
				if (opened) return;
				clearTimeout(timer);
				socket.close();
				reject(error);
			};
			const timer = setTimeout(() => fail(new Error('subscribe timed out')), 120_000);
			socket.once('connect_error', fail);
			const client: Client = {
				spec,
				socket,
				keys: [],
				times: [],
				disconnects: 0,
				resnapshots: 0,
				heartbeats: 0,
				stale: 0,
				hung: 0,
				sync: new LiveSync(socket, {
					request: spec.request,
					hooks: {
						snapshot: ({ rows }) => {
							if (opened) return void client.resnapshots++;
							opened = true;
							clearTimeout(timer);
							resolve({ client, rows: rows.length });
						},
						error: (message) => fail(new Error(message)),
						change: (change) => this.#receive(client, change),
						status: (status) => {
							if (status === 'stale') client.stale++;
						},
						hung: () => void client.hung++
					}
				})
			};
			socket.on('live:heartbeat', () => void client.heartbeats++);
			socket.on('disconnect', (reason) => {
				client.disconnects++;
				this.#reasons[reason] = (this.#reasons[reason] ?? 0) + 1;
			});
		});
	}

	#receive(client: Client, change: InteractionChange): void {
		const space = this.#space;
		if (!space || !change.row) return;
		const key = keyOf(space, change.id, change.row.status);
		if (key < 0) return;
		client.keys.push(key);
		client.times.push(now());
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

	/**
	 * Leaves the live feed with every socket left open: the server then owes these clients no
	 * heartbeat, which is what an idle window needs to tell the heartbeat's cost from the rest.
	 */
	async leaveLive(): Promise<void> {
		await Promise.all(
			this.#clients.map((client) => {
				client.sync.detach();
				return new Promise<void>((resolve) =>
					client.socket.timeout(10_000).emit('live:unsubscribe', () => resolve())
				);
			})
		);
	}

	/** Back on the feed, each client resuming from its position; resolves once all are. */
	async rejoinLive(maxMs: number): Promise<number> {
		for (const client of this.#clients) client.sync.attach(client.socket);
		const deadline = now() + maxMs;
		while (now() < deadline && this.#clients.some((c) => !c.sync.ready)) await sleep(200);
		return this.#clients.filter((c) => c.sync.ready).length;
	}

	counters(): LinkCounters {
		const sum = (key: keyof LinkCounters) => this.#clients.reduce((n, c) => n + c[key], 0);
		return { heartbeats: sum('heartbeats'), stale: sum('stale'), hung: sum('hung') };
	}

	/**
	 * Per client, when it first received a change committed at or after `since` (bench clock,
	 * ms): how long a failover kept that client waiting. NaN for a client that got none.
	 */
	firstReceiptsAfter(table: AckTable, offsetMs: number, since: number): number[] {
		return this.#clients.map((client) => {
			let first = NaN;
			for (let i = 0; i < client.keys.length; i++) {
				if (!(table.acks[client.keys[i]] >= since)) continue;
				const at = client.times[i] - offsetMs;
				if (!(at >= first)) first = at;
			}
			return first;
		});
	}

	stopRecording(): void {
		this.#space = null;
	}

	/** Delivered vs expected per client, and delivery latency (commit ack → received). */
	results(table: AckTable, offsetMs: number, withSamples = false) {
		return { ...deliveryResults(this.#clients, table, offsetMs, withSamples), disconnectReasons: { ...this.#reasons } }; // prettier-ignore
	}

	async close(): Promise<void> {
		for (const client of this.#clients) client.socket.close();
		this.#clients = [];
	}
}
