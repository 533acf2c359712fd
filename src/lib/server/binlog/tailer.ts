import ZongJi from '@vlasky/zongji';
import type { BinlogCheckpoint, RowChange } from '../changelog/types';
import { connectionDefaults } from '../db';
import type { DatabaseTarget } from '../config';
import type { RawRow } from '../interactions/map';

/**
 * One run of the binlog stream: a fresh ZongJi connection from a checkpoint until the first
 * error. Row events are buffered per transaction and handed over at its commit, with the
 * position after that commit: downstream sees whole transactions or nothing.
 * ZongJi never reconnects by itself; BinlogSupervisor restarts runs.
 */

export interface Commit {
	changes: RowChange[];
	checkpoint: BinlogCheckpoint;
	/**
	 * When the server committed it (epoch ms), as well as can be told: the binlog stamps events
	 * in whole seconds, so the arrival time stands in while it falls within that second (a live
	 * stream), and the stamp's end once it does not (a stream catching up).
	 */
	committedAt: number;
}

export interface TailerOptions {
	target: DatabaseTarget;
	serverId: number;
	/** Tables to stream, per database. */
	schemas: Record<string, readonly string[]>;
	/**
	 * May return a promise: commits are delivered in binlog order, each call with every commit
	 * that arrived while the previous call ran (at most MAX_BATCH), so a change log whose append
	 * is a network round trip pays it once per batch and catches up after a pause.
	 */
	onCommits: (commits: Commit[]) => void | Promise<void>;
	onError: (error: Error) => void;
	/** The server accepted the connection (the start position may still be refused later). */
	onReady?: () => void;
}

interface BinlogEvent {
	getEventName(): string;
	/** Epoch ms, whole seconds: the binlog header's stamp. */
	timestamp: number;
	nextPosition: number;
	tableId?: number;
	tableMap?: Record<number, { parentSchema: string; tableName: string }>;
	rows?: Array<RawRow | { before: RawRow; after: RawRow }>;
	query?: string;
	binlogName?: string;
}

/** The binlog events the tailer asks ZongJi for: rows, their tables, commits and file changes. */
export const BINLOG_EVENTS = [
	'tablemap',
	'writerows',
	'updaterows',
	'deleterows',
	'xid',
	'query',
	'rotate'
] as const;
const ROW_EVENTS = new Set(['writerows', 'updaterows', 'deleterows']);
const MAX_BATCH = 256;

export class BinlogTailer {
	#zongji: ZongJi | null = null;
	#transaction: RowChange[] = [];
	#queue: Commit[] = [];
	#draining: Promise<void> | null = null;
	#stopped = false;
	#failed = false;
	/**
	 * When the last event of any kind arrived (monotonic ms: a wall-clock step must not look
	 * like a silent stream). The watchdog compares it with the server.
	 */
	lastEventAt = performance.now();
	ready = false;

	constructor(private readonly options: TailerOptions) {}

	start(from: BinlogCheckpoint): void {
		const { target, serverId, schemas } = this.options;
		const zongji = new ZongJi({ ...target, ...connectionDefaults });
		this.#zongji = zongji;
		zongji.on('binlog', (event: BinlogEvent) => this.#onEvent(event));
		zongji.on('error', (error: Error) => this.#fail(error));
		zongji.on('ready', () => {
			this.ready = true;
			this.options.onReady?.();
			// A silently dead peer must not hang the stream forever: let TCP notice it too.
			const stream = (zongji.connection as unknown as { stream?: import('node:net').Socket })
				.stream;
			stream?.setKeepAlive?.(true, 10_000);
		});
		zongji.start({
			serverId,
			filename: from.filename,
			position: from.position,
			includeEvents: [...BINLOG_EVENTS],
			includeSchema: Object.fromEntries(
				Object.entries(schemas).map(([schema, tables]) => [schema, [...tables]])
			)
		});
	}

	/**
	 * How far the stream has read, events of no interest included: ZongJi advances it for every
	 * event outside a transaction, so it reaches the server's end when nothing is left to read.
	 */
	readPosition(): BinlogCheckpoint | null {
		const options = this.#zongji?.options;
		if (!options?.filename) return null;
		return { filename: options.filename, position: options.position ?? 4 };
	}

	/** Commits read but not yet handed over, or a transaction not yet complete. */
	get pending(): boolean {
		return this.#transaction.length > 0 || this.#queue.length > 0 || this.#draining !== null;
	}

	/** Stops the stream; waits for a commit being handled, drops the ones not yet started. */
	async stop(): Promise<void> {
		this.#stopped = true;
		this.#queue = [];
		const zongji = this.#zongji;
		this.#zongji = null;
		if (zongji) {
			zongji.removeAllListeners('binlog');
			// Late errors from a connection being torn down are expected; keep them from throwing.
			zongji.removeAllListeners('error');
			zongji.on('error', () => {});
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, 2000);
				zongji.once('stopped', () => {
					clearTimeout(timer);
					resolve();
				});
				try {
					zongji.stop();
				} catch {
					clearTimeout(timer);
					resolve();
				}
			});
		}
		await this.#draining;
	}

	#onEvent(event: BinlogEvent): void {
		if (this.#stopped) return;
		this.lastEventAt = performance.now();
		const name = event.getEventName();
		if (ROW_EVENTS.has(name)) {
			const table = event.tableMap?.[event.tableId ?? -1];
			if (!table || !this.options.schemas[table.parentSchema]) return;
			const { parentSchema: schema, tableName } = table;
			for (const row of event.rows ?? []) {
				if (name === 'updaterows') {
					const pair = row as { before: RawRow; after: RawRow };
					this.#transaction.push({
						schema,
						table: tableName,
						before: pair.before,
						after: pair.after
					});
				} else if (name === 'writerows') {
					this.#transaction.push({ schema, table: tableName, before: null, after: row as RawRow });
				} else {
					this.#transaction.push({ schema, table: tableName, before: row as RawRow, after: null });
				}
			}
		} else if (name === 'xid' || (name === 'query' && isCommitQuery(event.query))) {
			const filename = this.#zongji?.options.filename;
			if (!filename) return;
			const commit = {
				changes: this.#transaction,
				checkpoint: { filename, position: event.nextPosition },
				committedAt: Math.min(Date.now(), event.timestamp + 999)
			};
			this.#transaction = [];
			this.#deliver(commit);
		} else if (name === 'query' && isRollbackQuery(event.query)) {
			this.#transaction = [];
		}
	}

	#deliver(commit: Commit): void {
		this.#queue.push(commit);
		if (!this.#draining) this.#draining = this.#drain();
	}

	async #drain(): Promise<void> {
		try {
			let next = 0;
			while (next < this.#queue.length && !this.#stopped) {
				const batch = this.#queue.slice(next, next + MAX_BATCH);
				next += batch.length;
				const handled = this.options.onCommits(batch);
				if (handled) await handled;
				if (next > 1024) {
					this.#queue = this.#queue.slice(next);
					next = 0;
				}
			}
			this.#queue = [];
		} catch (error) {
			this.#fail(error instanceof Error ? error : new Error(String(error)));
		} finally {
			this.#draining = null;
		}
	}

	#fail(error: Error): void {
		if (this.#stopped || this.#failed) return;
		this.#failed = true;
		this.options.onError(error);
	}
}

function isCommitQuery(query: string | undefined): boolean {
	return query?.trim().toUpperCase() === 'COMMIT';
}

function isRollbackQuery(query: string | undefined): boolean {
	return query?.trim().toUpperCase() === 'ROLLBACK';
}
