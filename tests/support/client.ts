import type { Interaction, InteractionChange } from '../../src/lib/interaction';
import { LiveSync } from '../../src/lib/live/sync';
import type { LiveClient } from './stack';

/**
 * A headless live client running the browser's own protocol module (LiveSync), so what these
 * tests prove holds for the shipped code. It also records every change applied, so tests can
 * prove nothing was applied twice.
 */
export class TestClient {
	readonly rows = new Map<string, Interaction>();
	readonly appliedSeqs: number[] = [];
	/** Applied changes per interaction id, since the last snapshot. */
	readonly appliedPerId = new Map<string, number>();
	/**
	 * Every change applied with the epoch it was applied in, and every row a snapshot brought:
	 * seq only orders changes within an epoch, and a scope check needs all a client was sent.
	 */
	readonly appliedLog: { epoch: string | null; change: InteractionChange }[] = [];
	readonly snapshotRows: Interaction[] = [];
	snapshots = 0;
	replays = 0;
	readonly sync: LiveSync;

	constructor(
		public socket: LiveClient,
		request: { tenantId?: number; queueIds?: number[] } = {}
	) {
		this.sync = new LiveSync(socket, {
			request,
			rows: this.rows,
			hooks: {
				snapshot: (snapshot) => {
					this.snapshots++;
					this.appliedPerId.clear();
					this.snapshotRows.push(...snapshot.rows);
				},
				replay: () => void this.replays++,
				change: (change) => {
					this.appliedSeqs.push(change.seq);
					this.appliedLog.push({ epoch: this.sync.epoch, change });
					this.appliedPerId.set(change.id, (this.appliedPerId.get(change.id) ?? 0) + 1);
				},
				error: (message) => {
					throw new Error(`subscribe refused: ${message}`);
				}
			}
		});
	}

	get epoch(): string | null {
		return this.sync.epoch;
	}
	get seq(): number {
		return this.sync.seq;
	}
	get ready(): boolean {
		return this.sync.ready;
	}

	/** Moves this client to another socket (e.g. a restarted server), keeping its position. */
	attach(socket: LiveClient): void {
		this.socket = socket;
		this.sync.attach(socket);
	}

	subscribe(resume: boolean): void {
		this.sync.subscribe(resume);
	}

	/** id → status of every row, for comparing with the database. */
	statuses(): Map<string, string> {
		return new Map([...this.rows.values()].map((row) => [row.id, row.status]));
	}
}
