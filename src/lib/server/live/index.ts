import type { Pool } from 'mysql2/promise';
import type { LogPosition } from '$lib/interaction';
import type { DaySumsRequest } from '$lib/queues/day-sums';
import type { CatchUp } from '$lib/realtime';
import { BinlogSupervisor } from '../binlog/supervisor';
import { PBX_TABLES } from '../binlog/preflight';
import type { Commit } from '../binlog/tailer';
import type {
	AccessChange,
	BinlogCheckpoint,
	ChangeLog,
	CommitOrigin,
	LogEntry
} from '../changelog';
import { alertFromRow, type AlertRecord } from '../alerts/record';
import type { Config } from '../config';
import type { AppEventBus, Lead } from '../events';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import {
	canSee,
	projectChange,
	viewChange,
	viewRow,
	type RowView,
	type Scope,
	type TenantScope
} from '../scope';
import { daySnapshot } from './day-sums';
import { ACCESS_TABLES, ALERT_TABLES, accessChangesOf } from './access';
import { applyLookupChanges, contactIdsOf, draftCommit, lookupRowsOf } from './commits';
import { PendingRows } from './pending';
import { loadSnapshot } from './snapshot';
import { LiveState } from './state';

/** What the pipeline has taken in; the status monitor and the metrics only read it. */
export interface LiveProgress {
	/** Commits this node's tailer handed to the log, those without changes of interest too. */
	commitsRead: number;
	/** Log entries (commits with changes of interest) and interaction changes applied here. */
	commitsApplied: number;
	changesApplied: number;
	/** The newest commit this node's tailer handed to the log. */
	lastRead: CommitOrigin | null;
	/** The newest commit applied to this node's state. */
	lastApplied: CommitOrigin | null;
	/** When the newest snapshot was read (epoch ms): the state is complete up to then. */
	snapshotAt: number;
}

/**
 * How long a screen resuming ahead of this node waits for it to read as far in the shared log
 * before it gets a snapshot instead. Nodes read the stream within milliseconds of each other;
 * a position further ahead than this allows is not one the log will reach.
 */
const CATCH_UP_WAIT_MS = 2_000;

/**
 * The live pipeline: snapshot at an exact binlog position, then binlog → change log → live
 * state. Everything downstream (sockets, pages) reads from here and hears of each entry on the
 * app's event bus (`log.appended`, once the state has applied it); `catchUp` is the one place a
 * screen's missed changes or fresh snapshot are decided.
 *
 * The state follows the change log's entries, never the tailer directly: on a single node the
 * log hands back what this node appended; with several nodes every node follows the leader's
 * stream the same way (src/lib/server/cluster decides who tails).
 */
export class LiveService {
	readonly state: LiveState;
	readonly supervisor: BinlogSupervisor;
	readonly progress: LiveProgress = {
		commitsRead: 0,
		commitsApplied: 0,
		changesApplied: 0,
		lastRead: null,
		lastApplied: null,
		snapshotAt: 0
	};
	#loading = 0;
	#tailing = false;
	#lead: Lead | null = null;

	constructor(
		private readonly config: Config,
		private readonly pbxPool: Pool,
		readonly changeLog: ChangeLog,
		/** The app's name caches: the tailer keeps them current, everyone reads them. */
		private readonly lookups: Lookups,
		/** Where this service tells of applied entries, access changes and resyncs. */
		private readonly events: Pick<AppEventBus, 'emit' | 'on'>,
		private readonly log: Logger
	) {
		this.state = new LiveState((id) => this.lookups.tenants.get(id));
		// The one reader of the log: the state applies an entry before anyone hears of it.
		changeLog.subscribe((entry) => this.#apply(entry));
		this.supervisor = new BinlogSupervisor({
			target: config.binlog,
			serverId: config.binlogServerId,
			schemas: {
				[config.pbx.database]: PBX_TABLES,
				[config.dashboard.database]: [...ACCESS_TABLES, ...ALERT_TABLES]
			},
			heartbeatMs: config.binlogHeartbeatMs,
			statusPool: pbxPool,
			log: log.child('binlog'),
			onCommits: (commits) => this.#handleCommits(commits),
			checkpoint: () => this.#checkpoint(),
			onPositionLost: () => this.#resnapshot('binlog position lost')
		});
	}

	/** A single node: snapshot, a new epoch, and tail the binlog. */
	async start(): Promise<void> {
		await this.startEpoch();
		this.startTailing();
	}

	async stop(): Promise<void> {
		await this.stopTailing();
	}

	get tailing(): boolean {
		return this.#tailing;
	}

	/** Why this node tails now (its fencing token with several nodes); null when it does not. */
	get lead(): Lead | null {
		return this.#lead;
	}

	/** A snapshot is being read: the state is about to be replaced. */
	get loading(): boolean {
		return this.#loading > 0;
	}

	/**
	 * Tails the binlog, and tells the bus (`tailing.started`): the node that tails is the one that
	 * evaluates alert rules, under `lead` (a single node: no token, it is the only one).
	 */
	startTailing(lead: Lead = { token: null, fresh: true }): void {
		if (this.#tailing) return;
		this.supervisor.start();
		this.#tailing = true;
		this.#lead = lead;
		void this.events.emit('tailing.started', lead);
	}

	async stopTailing(): Promise<void> {
		if (!this.#tailing) return;
		this.#tailing = false;
		this.#lead = null;
		await this.events.emit('tailing.stopped');
		await this.supervisor.stop();
	}

	/**
	 * Loads the lookups and the live rows from SQL at an exact binlog position into the state;
	 * returns that position.
	 */
	async loadSnapshot(): Promise<BinlogCheckpoint> {
		const started = Date.now();
		this.#loading++;
		let loaded;
		try {
			loaded = await loadSnapshot(this.pbxPool, this.config.pbx.database, this.lookups);
		} finally {
			this.#loading--;
		}
		const { checkpoint, rows } = loaded;
		this.state.reset(rows);
		this.progress.snapshotAt = started;
		this.log.info('live snapshot loaded', {
			rows: rows.length,
			tenants: this.lookups.tenants.size,
			ms: Date.now() - started,
			...checkpoint
		});
		return checkpoint;
	}

	/** A fresh snapshot that starts a new epoch of the change log, tailed from its position. */
	async startEpoch(): Promise<void> {
		const checkpoint = await this.loadSnapshot();
		await this.changeLog.reset(checkpoint);
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
		view: RowView = 'full',
		/**
		 * Where a snapshot of this scope and view that the caller holds was taken: a snapshot is
		 * then answered as that one plus the changes since (`changes`, rows left empty for the
		 * caller to fill), as long as the log keeps them and they are fewer than the rows.
		 */
		held?: LogPosition,
		/** A screen that only sums the day: its snapshot's closed rows summed (./day-sums). */
		daySums?: DaySumsRequest
	): Promise<CatchUp> {
		if (resume && resume.epoch === this.changeLog.epoch && resume.seq > this.changeLog.head) {
			// With several nodes a screen can be ahead of this one: its last node read the shared
			// log first. A snapshot at this node's head would take it back in time, and it would
			// apply again changes it already applied. Wait briefly for this node to read as far.
			await this.#reach(resume.seq, CATCH_UP_WAIT_MS);
		}
		// A replay longer than the screen's rows costs more than a snapshot (to make, to send, to
		// apply) and brings it to the same place: then the snapshot it is. A script that resumes
		// from seq 0 over and over thus gets the room's shared snapshot.
		// Counted only when there is a replay or a tail to weigh: a plain snapshot needs no count.
		const rowCount = resume || held ? this.state.count(scope.tenantId, (row) => canSee(scope, row)) : 0; // prettier-ignore
		if (resume) {
			const missed = await this.#changesSince(resume, scope, view, rowCount);
			if (missed) return { kind: 'replay', ...missed, tenant, serverTime: Date.now() };
		}
		if (held) {
			const since = await this.#changesSince(held, scope, view, rowCount);
			if (since) {
				const snapshot = { epoch: since.epoch, seq: held.seq, tenant, serverTime: Date.now(), rows: [] }; // prettier-ignore
				return { kind: 'snapshot', snapshot, changes: since.changes };
			}
		}
		const { epoch, seq } = this.position();
		const inScope = this.state.rows(scope.tenantId, (row) => canSee(scope, row));
		if (daySums) {
			const today = this.state.todayStartMs(scope.tenantId);
			const snapshot = daySnapshot(inScope, scope, view, daySums, tenant, today, { epoch, seq });
			return { kind: 'snapshot', snapshot };
		}
		const rows = inScope.map((row) => viewRow(row, view));
		return { kind: 'snapshot', snapshot: { epoch, seq, tenant, serverTime: Date.now(), rows } };
	}

	/**
	 * The changes after `from`, projected onto the scope and view, with the seq they bring a
	 * screen to; null when the log no longer keeps them, `from` is another epoch's, or they are
	 * more than `limit` (projection stops there).
	 */
	async #changesSince(from: LogPosition, scope: Scope, view: RowView, limit: number) {
		const epoch = this.changeLog.epoch;
		if (from.epoch !== epoch) return null;
		const missed = await this.changeLog.since(from.seq);
		if (!missed || epoch !== this.changeLog.epoch) return null;
		const changes = [];
		for (const change of missed) {
			const visible = projectChange(change, scope);
			if (!visible) continue;
			if (changes.length === limit) return null;
			changes.push(viewChange(visible, view));
		}
		// The last change read, visible or not: the screen has seen everything up to it.
		return { epoch, seq: missed.at(-1)?.seq ?? from.seq, changes };
	}

	/** Resolves once the log's head reaches `seq`, or after `timeoutMs` (then it never may). */
	#reach(seq: number, timeoutMs: number): Promise<void> {
		return new Promise((resolve) => {
			if (this.changeLog.head >= seq) return resolve();
			const done = () => {
				clearTimeout(timer);
				unsubscribe();
				resolve();
			};
			const timer = setTimeout(done, timeoutMs);
			const unsubscribe = this.events.on('log.appended', () => {
				if (this.changeLog.head >= seq) done();
			});
		});
	}

	/**
	 * One entry of the log into this node's state, then on the bus: access changes first (as
	 * read from the dashboard binlog), then the entry itself for the fan-out, which thus sends
	 * changes the state already holds.
	 */
	#apply(entry: LogEntry): void {
		// Names first, as the leader did before mapping; re-applying them there is harmless.
		applyLookupChanges(entry.lookups, this.lookups);
		this.state.apply(entry.changes);
		for (const change of entry.access) void this.events.emit('access.changed', change, 'binlog');
		for (const alert of entry.alerts ?? []) void this.events.emit('alert.changed', alert);
		this.progress.commitsApplied++;
		this.progress.changesApplied += entry.changes.length;
		if (entry.origin) this.progress.lastApplied = entry.origin;
		void this.events.emit('log.appended', entry);
	}

	async #checkpoint(): Promise<BinlogCheckpoint> {
		const checkpoint = await this.changeLog.checkpoint();
		if (!checkpoint) throw new Error('no checkpoint: the snapshot was not taken');
		return checkpoint;
	}

	#handleCommits(commits: Commit[]): void | Promise<void> {
		const dashboard = this.config.dashboard.database;
		const split = commits.map((commit) => {
			// Nearly every commit is the PBX's alone: keep it as it is.
			if (!commit.changes.some((change) => change.schema === dashboard)) {
				return { commit, access: [], alerts: [] };
			}
			const pbxChanges = commit.changes.filter((change) => change.schema !== dashboard);
			const ours = commit.changes.filter((change) => change.schema === dashboard);
			const alerts = ours.flatMap(({ table, after }) =>
				table === 'alerts' && after ? [alertFromRow(after)] : []
			);
			const access = accessChangesOf(ours.filter(({ table }) => table !== 'alerts'));
			return { commit: { ...commit, changes: pbxChanges }, access, alerts };
		});
		const ids = split.flatMap(({ commit }) => contactIdsOf(commit.changes));
		const missing = this.lookups.missingContacts(ids);
		if (missing.length === 0) return this.#append(split);
		return this.lookups.loadContacts(this.pbxPool, missing).then(() => this.#append(split));
	}

	async #append(
		commits: { commit: Commit; access: AccessChange[]; alerts: AlertRecord[] }[]
	): Promise<void> {
		// Each commit is mapped against the rows as the commits before it in the batch left them:
		// the state itself changes only when the log hands the entries back.
		const rows = new PendingRows(this.state);
		const drafts = commits.map(({ commit, access, alerts }) => {
			const changes = draftCommit(commit.changes, this.lookups, rows);
			rows.apply(changes);
			const lookups = lookupRowsOf(commit.changes);
			const origin = { checkpoint: commit.checkpoint, committedAt: commit.committedAt };
			const draft = { changes, lookups, access, ...(alerts.length > 0 && { alerts }), origin };
			return { draft, checkpoint: commit.checkpoint };
		});
		await this.changeLog.appendMany(drafts);
		const last = drafts.at(-1);
		this.progress.commitsRead += drafts.length;
		if (last) this.progress.lastRead = last.draft.origin;
	}

	async #resnapshot(reason: string): Promise<void> {
		await this.startEpoch();
		await this.events.emit('log.resync', { reason });
	}
}
