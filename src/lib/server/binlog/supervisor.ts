import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { TailerState } from '$lib/status';
import type { BinlogCheckpoint } from '../changelog';
import type { DatabaseTarget } from '../config';
import type { Logger } from '../log';
import { BinlogTailer, type Commit } from './tailer';

/**
 * Keeps the binlog stream alive: restarts a failed run from the last checkpoint with backoff,
 * notices a stream that went silent while the server kept writing, and turns a purged or
 * invalid position (errno 1236) into a loud resnapshot instead of a silent skip.
 */

export interface SupervisorOptions {
	target: DatabaseTarget;
	serverId: number;
	schemas: Record<string, readonly string[]>;
	heartbeatMs: number;
	/** Asks the server where its binlog ends, for the stall check. */
	statusPool: Pool;
	log: Logger;
	/** Must append the commits' changes and the last one's checkpoint before it resolves. */
	onCommits: (commits: Commit[]) => void | Promise<void>;
	/** Where to resume: the checkpoint of the last commit fully handled. */
	checkpoint: () => Promise<BinlogCheckpoint>;
	/** The checkpoint is gone from the server: take a fresh snapshot, return its position. */
	onPositionLost: (error: Error) => Promise<void>;
}

export type TailerStatus = TailerState;

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
const HEALTHY_AFTER_MS = 30_000;

export class BinlogSupervisor {
	#tailer: BinlogTailer | null = null;
	#status: TailerStatus = 'stopped';
	#backoffMs = MIN_BACKOFF_MS;
	#startedAt = 0;
	#restartTimer: NodeJS.Timeout | null = null;
	#watchdog: NodeJS.Timeout | null = null;
	#lastServerPosition = '';
	#silentChecks = 0;
	#stopped = false;
	/**
	 * Counts start()s. A failure handled across a stop() and a new start() (its awaits take a
	 * while when Redis is away) must not schedule a second stream next to the new one: it checks
	 * that the run it began in is still the current one.
	 */
	#generation = 0;
	#restarting = false;
	/** Since when (monotonic ms) no stream has been connected while it should be; null = up. */
	#downSince: number | null = null;
	restarts = 0;
	/** Checkpoints the server no longer had: each one cost a fresh snapshot. */
	positionLost = 0;
	lastError: string | null = null;
	/** When the last error happened (epoch ms). */
	lastErrorAt: number | null = null;

	constructor(private readonly options: SupervisorOptions) {}

	get status(): TailerStatus {
		return this.#status;
	}

	/**
	 * The status as operators see it: `status` turns to streaming as a run starts, before the
	 * server has accepted it (the stall check needs that); this says starting until it has.
	 */
	get state(): TailerState {
		return this.#status === 'streaming' && this.#downSince !== null ? 'starting' : this.#status;
	}

	/** How long the stream has been down (0 while connected, or while not supervising). */
	get downForMs(): number {
		return this.#downSince === null ? 0 : performance.now() - this.#downSince;
	}

	/** How far the current stream has read, and whether commits it read are still in hand. */
	get reading(): { position: BinlogCheckpoint | null; pending: boolean } {
		return {
			position: this.#tailer?.readPosition() ?? null,
			pending: this.#tailer?.pending ?? false
		};
	}

	start(): void {
		this.#stopped = false;
		this.#generation++;
		this.#downSince = performance.now();
		this.#run();
		this.#watchdog = setInterval(() => void this.#checkStall(), this.options.heartbeatMs);
		this.#watchdog.unref();
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		this.#status = 'stopped';
		this.#downSince = null;
		if (this.#restartTimer) clearTimeout(this.#restartTimer);
		if (this.#watchdog) clearInterval(this.#watchdog);
		await this.#tailer?.stop();
		this.#tailer = null;
	}

	/** Ends the current run as if the connection had dropped (tests and operators use it). */
	async restart(reason: string): Promise<void> {
		await this.#handleFailure(new Error(reason));
	}

	#run(): void {
		if (this.#stopped) return;
		this.#status = 'starting';
		this.#startedAt = performance.now();
		this.options.checkpoint().then(
			(from) => this.#startFrom(from),
			(error: unknown) => void this.#handleFailure(asError(error))
		);
	}

	#startFrom(from: BinlogCheckpoint): void {
		if (this.#stopped) return;
		const tailer = new BinlogTailer({
			target: this.options.target,
			serverId: this.options.serverId,
			schemas: this.options.schemas,
			onCommits: this.options.onCommits,
			onError: (error) => void this.#handleFailure(error, tailer),
			onReady: () => {
				if (this.#tailer === tailer) this.#downSince = null;
			}
		});
		this.#tailer = tailer;
		this.options.log.info('binlog stream starting', from);
		tailer.start(from);
		this.#status = 'streaming';
	}

	async #handleFailure(error: Error, from?: BinlogTailer): Promise<void> {
		if (this.#stopped || this.#restarting || (from && from !== this.#tailer)) return;
		const generation = this.#generation;
		const current = () => !this.#stopped && generation === this.#generation;
		this.#restarting = true;
		this.#downSince ??= performance.now();
		try {
			this.lastError = error.message;
			this.lastErrorAt = Date.now();
			await this.#tailer?.stop();
			this.#tailer = null;
			if (performance.now() - this.#startedAt > HEALTHY_AFTER_MS) this.#backoffMs = MIN_BACKOFF_MS;
			if (isPositionLost(error)) {
				this.options.log.error(
					'BINLOG POSITION LOST: the checkpoint is no longer on the server (purged or invalid). ' +
						'Taking a fresh snapshot; every open screen will reload its data.',
					{ error, checkpoint: await this.#lastCheckpoint() }
				);
				this.#status = 'resnapshotting';
				this.positionLost++;
				try {
					await this.options.onPositionLost(error);
				} catch (snapshotError) {
					this.options.log.error('resnapshot failed, will retry', { error: snapshotError });
					if (current()) this.#schedule();
					return;
				}
				if (current()) this.#run();
				return;
			}
			this.options.log.warn('binlog stream failed, restarting from checkpoint', {
				error,
				inMs: this.#backoffMs,
				checkpoint: await this.#lastCheckpoint()
			});
			if (current()) this.#schedule();
		} finally {
			this.#restarting = false;
		}
	}

	/** For log lines only: a failure to read it must not hide the failure being logged. */
	#lastCheckpoint(): Promise<BinlogCheckpoint | null> {
		return this.options.checkpoint().catch(() => null);
	}

	#schedule(): void {
		this.#status = 'waiting';
		this.restarts++;
		const delay = this.#backoffMs;
		this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
		const generation = this.#generation;
		this.#restartTimer = setTimeout(() => {
			if (generation === this.#generation) this.#run();
		}, delay);
	}

	/**
	 * Heartbeat: if the server's binlog keeps moving but no event reaches us, the stream is dead
	 * without having said so. Restart it.
	 */
	async #checkStall(): Promise<void> {
		const tailer = this.#tailer;
		if (!tailer || this.#status !== 'streaming') return;
		let position: string;
		try {
			const [rows] = await this.options.statusPool.query<RowDataPacket[]>('SHOW MASTER STATUS');
			position = rows[0] ? `${rows[0].File}:${rows[0].Position}` : '';
		} catch {
			return; // the server is unreachable: the stream's own error will say so
		}
		const previous = this.#lastServerPosition;
		this.#lastServerPosition = position;
		const silentFor = performance.now() - tailer.lastEventAt;
		const silent = previous !== '' && position !== previous && silentFor > this.options.heartbeatMs;
		// Two checks in a row, so a write landing just before a check is not mistaken for a stall.
		this.#silentChecks = silent ? this.#silentChecks + 1 : 0;
		if (this.#silentChecks >= 2) {
			this.#silentChecks = 0;
			await this.#handleFailure(new Error(`binlog stream silent for ${silentFor} ms`), tailer);
		}
	}
}

/** errno 1236: the master cannot serve the requested position (purged, or not a binlog). */
function isPositionLost(error: Error): boolean {
	const errno = (error as Error & { errno?: number }).errno;
	return errno === 1236 || /ER_MASTER_FATAL_ERROR_READING_BINLOG|1236/.test(error.message);
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}
