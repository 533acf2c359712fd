import type { Pool } from 'mysql2/promise';
import type { Interaction, LiveSnapshot } from '$lib/interaction';
import { BinlogSupervisor } from '../binlog/supervisor';
import { PBX_TABLES } from '../binlog/preflight';
import type { Commit } from '../binlog/tailer';
import type { BinlogCheckpoint, ChangeLog } from '../changelog';
import type { Config } from '../config';
import type { Logger } from '../log';
import { Lookups } from '../lookups';
import { ACCESS_TABLES, accessChangesOf, type AccessChange } from './access';
import { buildChanges, contactIdsOf } from './commits';
import { loadSnapshot } from './snapshot';
import { LiveState } from './state';

/**
 * The live pipeline: snapshot at an exact binlog position, then binlog → change log → live
 * state. Everything downstream (sockets, pages) reads from here and listens to the change log.
 */
export class LiveService {
	readonly lookups = new Lookups();
	readonly state: LiveState;
	readonly supervisor: BinlogSupervisor;
	readonly #resyncListeners = new Set<(reason: string) => void>();
	readonly #accessListeners = new Set<(change: AccessChange) => void>();
	#started = false;

	constructor(
		private readonly config: Config,
		private readonly pbxPool: Pool,
		readonly changeLog: ChangeLog,
		private readonly log: Logger
	) {
		this.state = new LiveState((id) => this.lookups.tenants.get(id));
		changeLog.subscribe((changes) => this.state.apply(changes));
		this.supervisor = new BinlogSupervisor({
			target: config.binlog,
			serverId: config.binlogServerId,
			schemas: {
				[config.pbx.database]: PBX_TABLES,
				[config.dashboard.database]: ACCESS_TABLES
			},
			heartbeatMs: config.binlogHeartbeatMs,
			statusPool: pbxPool,
			log: log.child('binlog'),
			onCommit: (commit) => this.#handleCommit(commit),
			checkpoint: () => this.#checkpoint(),
			onPositionLost: () => this.#resnapshot('binlog position lost')
		});
	}

	async start(): Promise<void> {
		await this.#takeSnapshot();
		this.supervisor.start();
		this.#started = true;
	}

	async stop(): Promise<void> {
		if (this.#started) await this.supervisor.stop();
		this.#started = false;
	}

	/** Rows of a tenant that `include` admits, with the exact log position they reflect. */
	snapshot(tenantId: number, include: (row: Interaction) => boolean): LiveSnapshot | null {
		const tenant = this.lookups.tenants.get(tenantId);
		if (!tenant) return null;
		return {
			epoch: this.changeLog.epoch,
			seq: this.state.seq,
			tenant,
			serverTime: Date.now(),
			rows: this.state.rows(tenantId, include)
		};
	}

	onResync(listener: (reason: string) => void): () => void {
		this.#resyncListeners.add(listener);
		return () => this.#resyncListeners.delete(listener);
	}

	/** Users, queue assignments, sessions or wall tokens changed (from the dashboard binlog). */
	onAccessChange(listener: (change: AccessChange) => void): () => void {
		this.#accessListeners.add(listener);
		return () => this.#accessListeners.delete(listener);
	}

	#checkpoint(): BinlogCheckpoint {
		const checkpoint = this.changeLog.checkpoint();
		if (!checkpoint) throw new Error('no checkpoint: the snapshot was not taken');
		return checkpoint;
	}

	#handleCommit(commit: Commit): void | Promise<void> {
		const dashboard = this.config.dashboard.database;
		if (commit.changes.some((change) => change.schema === dashboard)) {
			const access = commit.changes.filter((change) => change.schema === dashboard);
			commit = {
				...commit,
				changes: commit.changes.filter((change) => change.schema !== dashboard)
			};
			for (const change of accessChangesOf(access)) {
				for (const listener of this.#accessListeners) listener(change);
			}
		}
		const missing = this.lookups.missingContacts(contactIdsOf(commit.changes));
		if (missing.length === 0) return this.#append(commit);
		return this.lookups.loadContacts(this.pbxPool, missing).then(() => this.#append(commit));
	}

	#append(commit: Commit): Promise<void> {
		const drafts = buildChanges(commit.changes, this.lookups, this.state);
		return this.changeLog.append(drafts, commit.checkpoint).then(() => undefined);
	}

	async #takeSnapshot(): Promise<void> {
		const started = Date.now();
		const { checkpoint, rows } = await loadSnapshot(
			this.pbxPool,
			this.config.pbx.database,
			this.lookups
		);
		await this.changeLog.reset(checkpoint);
		this.state.reset(rows, this.changeLog.head);
		this.log.info('live snapshot loaded', {
			rows: rows.length,
			tenants: this.lookups.tenants.size,
			ms: Date.now() - started,
			...checkpoint
		});
	}

	async #resnapshot(reason: string): Promise<void> {
		await this.#takeSnapshot();
		for (const listener of this.#resyncListeners) listener(reason);
	}
}
