import type { Interaction, InteractionChange } from '../../src/lib/interaction';
import { applyChange } from '../../src/lib/live/apply';
import type { SubscribeReply } from '../../src/lib/realtime';
import { startOfZonedDay } from '../../src/lib/time/zone';
import type { LiveClient } from './stack';

/**
 * A headless live client with the browser's protocol: snapshot, drop changes at or below its
 * sequence, apply the rest in order, resume with {epoch, seq} on reconnect. It also records
 * every change applied, so tests can prove nothing was applied twice.
 */
export class TestClient {
	readonly rows = new Map<string, Interaction>();
	readonly appliedSeqs: number[] = [];
	/** Applied changes per interaction id. */
	readonly appliedPerId = new Map<string, number>();
	snapshots = 0;
	replays = 0;
	epoch: string | null = null;
	seq = 0;
	ready = false;
	#pending: InteractionChange[] = [];
	#todayStart = 0;

	constructor(
		public socket: LiveClient,
		private readonly request: { tenantId?: number; queueIds?: number[] } = {}
	) {
		this.#wire(socket);
	}

	/** Moves this client to another socket (e.g. a restarted server), keeping its position. */
	attach(socket: LiveClient): void {
		this.socket = socket;
		this.#wire(socket);
	}

	#wire(socket: LiveClient): void {
		socket.on('connect', () => this.subscribe(true));
		socket.on('disconnect', () => (this.ready = false));
		socket.on('live:changes', ({ epoch, changes }) => {
			if (!this.ready) return void this.#pending.push(...changes);
			if (epoch !== this.epoch) return this.subscribe(false);
			this.#apply(changes);
		});
		socket.on('live:resync', () => this.subscribe(false));
	}

	subscribe(resume: boolean): void {
		this.ready = false;
		this.#pending = [];
		const request = {
			...this.request,
			...(resume && this.epoch ? { resume: { epoch: this.epoch, seq: this.seq } } : {})
		};
		this.socket.emit('live:subscribe', request, (reply: SubscribeReply) => {
			if (!reply.ok) throw new Error(`subscribe refused: ${reply.error}`);
			if (reply.kind === 'snapshot') {
				this.snapshots++;
				this.rows.clear();
				this.appliedPerId.clear();
				for (const row of reply.snapshot.rows) this.rows.set(row.id, row);
				this.epoch = reply.snapshot.epoch;
				this.seq = reply.snapshot.seq;
				this.#todayStart = startOfZonedDay(Date.now(), reply.snapshot.tenant.timezone);
			} else {
				this.replays++;
				this.#todayStart = startOfZonedDay(Date.now(), reply.tenant.timezone);
				this.#apply(reply.changes);
			}
			this.ready = true;
			const pending = this.#pending;
			this.#pending = [];
			this.#apply(pending);
		});
	}

	#apply(changes: InteractionChange[]): void {
		for (const change of changes) {
			if (change.seq <= this.seq) continue;
			applyChange(this.rows, change, this.#todayStart);
			this.seq = change.seq;
			this.appliedSeqs.push(change.seq);
			this.appliedPerId.set(change.id, (this.appliedPerId.get(change.id) ?? 0) + 1);
		}
	}

	/** id → status of every row, for comparing with the database. */
	statuses(): Map<string, string> {
		return new Map([...this.rows.values()].map((row) => [row.id, row.status]));
	}
}
