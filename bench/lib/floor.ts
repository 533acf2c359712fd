import ZongJi, { type BinlogEvent, type RowsEvent } from '@vlasky/zongji';
import type { BinlogCheckpoint } from '../../src/lib/server/changelog/types';
import type { Db } from './env';
import { atOrAfter } from './env';
import { BINLOG_EVENTS } from '../../src/lib/server/binlog/tailer';
import { keyOf, type KeySpace } from './keys';
import { now } from './stats';

/**
 * A bare @vlasky/zongji listener, nothing of ours behind it: the floor any binlog-based design
 * stands on. Live: when each change is decoded. Replay: how fast a span of binlog decodes.
 */

export const INTERACTION_TABLES = ['active_interactions', 'closed_interactions'];
/** The events the product's tailer asks for, so the floor decodes what the product does. */
export const FLOOR_EVENTS = [...BINLOG_EVENTS];
let nextServerId = 7_700_000 + Math.floor(Math.random() * 100_000);

/** A zongji on the bench's MariaDB, decoding as the product's tailer does (UTC, big ids). */
export function connectBinlog(port: number): ZongJi {
	return new ZongJi({
		host: '127.0.0.1',
		port,
		user: 'il_test',
		password: 'il_test',
		timezone: 'Z',
		dateStrings: true,
		supportBigNumbers: true,
		bigNumberStrings: true
	});
}

function stopped(zongji: ZongJi): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, 2000);
		zongji.once('stopped', () => {
			clearTimeout(timer);
			resolve();
		});
		zongji.removeAllListeners('binlog');
		zongji.on('error', () => {});
		zongji.stop();
	});
}

type Row = Record<string, unknown>;

/** Live: decode time of every change in `space`, from the end of the binlog on. */
export class FloorListener {
	readonly decoded: Float64Array;
	#zongji: ZongJi;
	error: string | null = null;

	constructor(
		db: Db,
		private readonly database: string,
		private readonly space: KeySpace
	) {
		this.decoded = new Float64Array(space.interactions * 4).fill(NaN);
		this.#zongji = connectBinlog(db.port);
	}

	start(): Promise<void> {
		const z = this.#zongji;
		z.on('error', (error: Error) => (this.error ??= error.message));
		z.on('binlog', (event: BinlogEvent) => {
			const name = event.getEventName();
			if (name !== 'writerows' && name !== 'updaterows') return;
			const t = now();
			const rows = (event as RowsEvent & { rows: (Row | { after: Row })[] }).rows;
			const table = (event as RowsEvent).tableMap[(event as RowsEvent).tableId]?.tableName;
			for (const raw of rows) {
				const row = name === 'updaterows' ? (raw as { after: Row }).after : (raw as Row);
				const status = table === 'closed_interactions' ? 'closed' : String(row.status);
				const key = keyOf(this.space, String(row.id), status);
				if (key >= 0 && Number.isNaN(this.decoded[key])) this.decoded[key] = t;
			}
		});
		const ready = new Promise<void>((resolve) => z.once('ready', () => resolve()));
		z.start({
			serverId: nextServerId++,
			startAtEnd: true,
			includeEvents: FLOOR_EVENTS,
			includeSchema: { [this.database]: INTERACTION_TABLES }
		});
		return ready;
	}

	stop(): Promise<void> {
		return stopped(this.#zongji);
	}
}

/** Replay: decodes [from, to) of the binlog as fast as zongji goes; counts rows and commits. */
export async function rawDecode(
	db: Db,
	database: string,
	from: BinlogCheckpoint,
	to: BinlogCheckpoint
): Promise<{ rows: number; commits: number; seconds: number }> {
	const z = connectBinlog(db.port);
	let rows = 0;
	let commits = 0;
	let filename = from.filename;
	const started = now();
	try {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('raw zongji replay timed out')), 300_000);
			z.on('error', (error: Error) => {
				clearTimeout(timer);
				reject(error);
			});
			z.on('binlog', (event: BinlogEvent & { rows?: unknown[]; binlogName?: string }) => {
				const name = event.getEventName();
				if (name === 'rotate' && event.binlogName) filename = event.binlogName;
				else if (name === 'writerows' || name === 'updaterows' || name === 'deleterows') {
					rows += event.rows?.length ?? 0;
				} else if (name === 'xid') commits++;
				if (atOrAfter({ filename, position: event.nextPosition }, to)) {
					clearTimeout(timer);
					resolve();
				}
			});
			z.start({
				serverId: nextServerId++,
				filename: from.filename,
				position: from.position,
				includeEvents: FLOOR_EVENTS,
				includeSchema: { [database]: INTERACTION_TABLES }
			});
		});
		return { rows, commits, seconds: (now() - started) / 1000 };
	} finally {
		await stopped(z);
	}
}
