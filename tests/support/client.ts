import type { Interaction } from '../../src/lib/interaction';
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
				snapshot: () => {
					this.snapshots++;
					this.appliedPerId.clear();
				},
				replay: () => void this.replays++,
				change: (change) => {
					this.appliedSeqs.push(change.seq);
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
