import type { Pool } from 'mysql2/promise';
import type { LogPosition } from '$lib/interaction';
import type { CatchUp } from '$lib/realtime';
import { BinlogSupervisor } from '../binlog/supervisor';
import { PBX_TABLES } from '../binlog/preflight';
import type { Commit } from '../binlog/tailer';
import type { BinlogCheckpoint, ChangeLog } from '../changelog';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import {
	canSee,
	projectChange,
	viewChange,
	viewRow,
	type RowView,
	type TenantScope
} from '../scope';
import { ACCESS_TABLES, accessChangesOf, type AccessChange } from './access';
import { contactIdsOf, draftCommit } from './commits';
import { loadSnapshot } from './snapshot';
import { LiveState } from './state';

/**
 * The live pipeline: snapshot at an exact binlog position, then binlog → change log → live
 * state. Everything downstream (sockets, pages) reads from here and listens to the change log;
 * `catchUp` is the one place a screen's missed changes or fresh snapshot are decided.
 */
export class LiveService {
	readonly state: LiveState;
	readonly supervisor: BinlogSupervisor;
	readonly #resyncListeners = new Set<(reason: string) => void>();
	readonly #accessListeners = new Set<(change: AccessChange) => void>();
	#started = false;

	constructor(
		private readonly config: Config,
		private readonly pbxPool: Pool,
		readonly changeLog: ChangeLog,
		/** The app's name caches: the tailer keeps them current, everyone reads them. */
		private readonly lookups: Lookups,
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

	/** The log position the live state reflects. */
	position(): LogPosition {
		return { epoch: this.changeLog.epoch, seq: this.changeLog.head };
	}

	/**
	 * What a screen needs to be current: the changes it missed since `resume`, projected onto its
	 * scope, when the log still keeps them; otherwise a snapshot of the rows its scope admits.
	 * Either answer carries the sequence it brings the screen up to.
	 */
	async catchUp(
		{ scope, tenant }: TenantScope,
		resume?: LogPosition,
		/** Which fields of a row the screen is sent (a wall: only what the board renders). */
		view: RowView = 'full'
	): Promise<CatchUp> {
		if (resume && resume.epoch === this.changeLog.epoch) {
			const epoch = this.changeLog.epoch;
			const missed = await this.changeLog.since(resume.seq);
			if (missed && epoch === this.changeLog.epoch) {
				const changes = [];
				for (const change of missed) {
					const visible = projectChange(change, scope);
					if (visible) changes.push(viewChange(visible, view));
				}
				// The last change read, visible or not: the screen has seen everything up to it.
				const seq = missed.at(-1)?.seq ?? resume.seq;
				return { kind: 'replay', epoch, seq, tenant, serverTime: Date.now(), changes };
			}
		}
		const { epoch, seq } = this.position();
		const rows = this.state
			.rows(scope.tenantId, (row) => canSee(scope, row))
			.map((row) => viewRow(row, view));
		return { kind: 'snapshot', snapshot: { epoch, seq, tenant, serverTime: Date.now(), rows } };
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

	async #checkpoint(): Promise<BinlogCheckpoint> {
		const checkpoint = await this.changeLog.checkpoint();
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

	async #append(commit: Commit): Promise<void> {
		const drafts = draftCommit(commit.changes, this.lookups, this.state);
		await this.changeLog.append(drafts, commit.checkpoint);
	}

	async #takeSnapshot(): Promise<void> {
		const started = Date.now();
		const { checkpoint, rows } = await loadSnapshot(
			this.pbxPool,
			this.config.pbx.database,
			this.lookups
		);
		await this.changeLog.reset(checkpoint);
		this.state.reset(rows);
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
