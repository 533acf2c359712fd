import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AuditEntry } from '../audit';
import type { LogEntry } from '../changelog';
import type { RealtimeMeter, SentEvent, SubscribeAnswer } from '../realtime/types';
import { registerCollectors, type MetricSources } from './collectors';

/**
 * The Prometheus metrics of one app (its own registry, so several apps in one test process do
 * not collide). Figures the app already keeps (tailer state, lag, positions, counts) are read
 * when scraped; only what happens in passing is counted here as it happens, and cheaply: the
 * socket fan-out adds one addition per emit, never work per socket.
 *
 * Labels are bounded: tenant id, role, event name, query kind, outcome. Never a user id, an
 * interaction id or anything a client typed.
 */

export type HistoryQuery = 'page' | 'count' | 'person' | 'insight';
export type ExportSource = 'today' | 'history';
export type ExportOutcome = 'done' | 'failed' | 'cancelled' | 'stalled';

export class Metrics implements RealtimeMeter {
	readonly registry = new Registry();
	readonly #commitToEmit: Histogram;
	readonly #messages: Counter<'event'>;
	readonly #bytes: Counter<'event'>;
	readonly #subscribes: Counter<'answer'>;
	readonly #resyncs: Counter;
	readonly #history: Histogram<'query'>;
	readonly #export: Histogram<'source' | 'outcome'>;
	readonly #exportRows: Counter<'source'>;
	readonly #exportBytes: Counter<'source'>;
	readonly #signInFailures: Counter<'reason'>;
	readonly #audited: Counter<'action'>;

	constructor() {
		const registers = [this.registry];
		collectDefaultMetrics({ register: this.registry });
		this.#commitToEmit = new Histogram({
			name: 'il_commit_emit_seconds',
			help: 'From a commit in the PBX database to its changes emitted to the sockets of this node',
			buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
			registers
		});
		this.#messages = new Counter({
			name: 'il_socket_messages_sent_total',
			help: 'Socket.IO messages broadcast, one per receiving socket (by room size at the emit)',
			labelNames: ['event'],
			registers
		});
		this.#bytes = new Counter({
			name: 'il_socket_bytes_sent_total',
			help: 'Payload bytes (JSON) of the broadcast messages, times their receivers; framing not included',
			labelNames: ['event'],
			registers
		});
		this.#subscribes = new Counter({
			name: 'il_subscribes_total',
			help: 'Screens subscribing, by answer: replay (missed changes), snapshot, refused or failed',
			labelNames: ['answer'],
			registers
		});
		this.#resyncs = new Counter({
			name: 'il_resyncs_total',
			help: 'Times every screen on this node was told to subscribe again (new epoch, resnapshot)',
			registers
		});
		this.#history = new Histogram({
			name: 'il_history_query_seconds',
			help: 'History queries: a page of a view, its total count, or a person history page',
			labelNames: ['query'],
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
			registers
		});
		this.#export = new Histogram({
			name: 'il_export_seconds',
			help: 'CSV exports from the first byte to the last (or to failure or cancellation)',
			labelNames: ['source', 'outcome'],
			buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
			registers
		});
		this.#exportRows = new Counter({
			name: 'il_export_rows_total',
			help: 'Rows written to CSV exports',
			labelNames: ['source'],
			registers
		});
		this.#exportBytes = new Counter({
			name: 'il_export_bytes_total',
			help: 'Bytes of CSV exports',
			labelNames: ['source'],
			registers
		});
		this.#signInFailures = new Counter({
			name: 'il_signin_failures_total',
			help: 'Failed sign-ins: wrong credentials, or refused while the account or address is locked',
			labelNames: ['reason'],
			registers
		});
		this.#audited = new Counter({
			name: 'il_audit_events_total',
			help: 'Audit log entries by action (scope_refused counts refusals)',
			labelNames: ['action'],
			registers
		});
		for (const answer of ['replay', 'snapshot', 'refused', 'failed']) {
			this.#subscribes.labels(answer).inc(0);
		}
		for (const reason of ['credentials', 'locked']) this.#signInFailures.labels(reason).inc(0);
		this.#audited.labels('scope_refused').inc(0);
	}

	/** The figures kept elsewhere, read at scrape time. */
	observe(sources: MetricSources): void {
		registerCollectors(this.registry, sources);
	}

	/** The text a scrape gets, and its content type. */
	async scrape(): Promise<{ body: string; contentType: string }> {
		return { body: await this.registry.metrics(), contentType: this.registry.contentType };
	}

	sent(event: SentEvent, payload: unknown, receivers: number): void {
		if (receivers <= 0) return;
		this.#messages.labels(event).inc(receivers);
		this.#bytes.labels(event).inc(receivers * Buffer.byteLength(JSON.stringify(payload)));
	}

	subscribed(answer: SubscribeAnswer): void {
		this.#subscribes.labels(answer).inc();
	}

	emitted(entry: LogEntry): void {
		if (!entry.origin || entry.changes.length === 0) return;
		this.#commitToEmit.observe(Math.max(0, Date.now() - entry.origin.committedAt) / 1000);
	}

	resynced(): void {
		this.#resyncs.inc();
	}

	/** Times one history query. */
	async timeHistory<T>(query: HistoryQuery, work: () => Promise<T>): Promise<T> {
		const end = this.#history.labels(query).startTimer();
		try {
			return await work();
		} finally {
			end();
		}
	}

	exported(
		source: ExportSource,
		outcome: ExportOutcome,
		seconds: number,
		rows: number,
		bytes: number
	): void {
		this.#export.labels(source, outcome).observe(seconds);
		this.#exportRows.labels(source).inc(rows);
		this.#exportBytes.labels(source).inc(bytes);
	}

	audited(entry: AuditEntry): void {
		// Counts what happened, also what a throttled row only counts in its detail.
		this.#audited.labels(entry.action).inc(1 + (entry.repeats ?? 0));
		if (entry.action === 'sign_in_failed') {
			this.#signInFailures.labels(entry.detail === 'throttled' ? 'locked' : 'credentials').inc();
		}
	}
}
