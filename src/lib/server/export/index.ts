import type { Config } from '../config';
import type { HistoryDeps } from '../history';
import type { LiveState } from '../live/state';
import { currentLogContext, type Logger } from '../log';
import type { ExportOutcome, Metrics } from '../metrics';
import type { Viewer } from '../scope';
import { historyBatches, liveBatches, type ExportRequest } from './batches';
import { csvHeader, csvLine } from './csv';
import { textStream, type TextBatches } from './stream';
import { zonedTimestamps } from './timestamps';

/**
 * Exactly the view on screen as a CSV stream. Rows are read in batches and a batch is fetched
 * only when the client has taken the previous one (pull), so a million-row export holds one
 * batch in memory, and a client that goes away stops the queries.
 */

export type { ExportRequest } from './batches';
export { exportFileName } from './csv';
export { RANGE_TABLES, rangeTableCsv, tableColumnKeys, type RangeTable } from './tables';

/** What an export reads (the history database, or today's live rows) and reports to. */
export interface ExportDeps {
	history: HistoryDeps;
	live: { state: Pick<LiveState, 'rows'> };
	log: Logger;
	metrics: Pick<Metrics, 'exported'>;
	config: { exportLimits: Pick<Config['exportLimits'], 'stallMs'> };
}

export interface ExportHooks {
	/** Runs once when the stream ends, however it ends (done, failed, cancelled, stalled). */
	finished?: () => void;
	/** Closes the client's connection: a stalled client is not reading to see the stream fail. */
	cut?: () => void;
}

export function exportCsv(
	deps: ExportDeps,
	request: ExportRequest,
	viewer: Viewer,
	{ finished = () => {}, cut = () => {} }: ExportHooks = {}
): Promise<ReadableStream<Uint8Array>> {
	const nowMs = Date.now();
	const started = performance.now();
	const timestamp = zonedTimestamps(request.tenant.timezone);
	const source = request.filters.range === 'today' ? 'today' : 'history';
	const rows =
		source === 'today'
			? liveBatches(deps.live.state, request, nowMs)
			: historyBatches(deps.history, request);
	const log = deps.log.child('export');
	const context = {
		who: viewer.kind === 'user' ? viewer.username : `wall:${viewer.label}`,
		tenantId: request.tenant.id,
		rows: 0,
		// The stream is read after the request's handler returned: its lines name the request.
		...currentLogContext()
	};
	// The BOM tells Excel the file is UTF-8; without it names with accents turn to mojibake.
	const head = '\uFEFF' + csvHeader(request.tenant.timezone) + '\r\n';
	const next: TextBatches = (text) =>
		rows({
			push: (row) => {
				context.rows++;
				return text.push(csvLine(row, timestamp, nowMs));
			},
			turn: () => text.turn()
		});
	const measure = (outcome: ExportOutcome, bytes: number) => {
		const seconds = (performance.now() - started) / 1000;
		deps.metrics.exported(source, outcome, seconds, context.rows, bytes);
		return { ...context, bytes, ms: Math.round(seconds * 1000) };
	};
	const stall = { ms: deps.config.exportLimits.stallMs, cut };
	return textStream(head, next, stall, {
		done: (bytes) => {
			finished();
			log.info('export done', measure('done', bytes));
		},
		failed: (error, bytes) => {
			finished();
			log.error('export failed', { ...measure('failed', bytes), error });
		},
		cancelled: (bytes) => {
			finished();
			log.info('export cancelled', measure('cancelled', bytes));
		},
		stalled: (bytes) => {
			finished();
			log.warn('export stalled: the client took nothing, cut', {
				...measure('stalled', bytes),
				stallMs: stall.ms
			});
		}
	});
}
