import type { Interaction } from '$lib/interaction';
import type { AlertView } from '$lib/alerts';
import type { DayRows } from './timeline';

/**
 * A replayed day as `/api/replay` sends it: by column, not by row. Repeated text (queue, agent,
 * disposition, channel, status…) is sent once in `strings` and named by its index; times are
 * milliseconds from the day's start instead of ISO text; flags are 0 and 1. A 51,600-row day was
 * 13.7 MB as one tuple per row and is about a fifth of that this way (bench/RESULTS.md), before
 * the response's gzip; the browser also skips parsing 200,000 timestamps.
 */

/** How each field travels: dictionary text, plain number, time offset, flag, or raw text. */
const KINDS = {
	id: 'raw',
	tenantId: 'num',
	queueId: 'num',
	queueName: 'text',
	channel: 'text',
	direction: 'text',
	status: 'text',
	agentId: 'num',
	agentName: 'text',
	crmContactId: 'raw',
	clientName: 'text',
	phoneNumber: 'raw',
	did: 'text',
	dispositionId: 'num',
	dispositionCode: 'text',
	createdAt: 'time',
	answeredAt: 'time',
	acwStartedAt: 'time',
	closedAt: 'time',
	waitSeconds: 'num',
	talkSeconds: 'num',
	acwSeconds: 'num',
	contentPreview: 'raw',
	hasRecording: 'flag',
	hasTranscription: 'flag'
} as const satisfies Record<keyof Interaction, 'raw' | 'num' | 'text' | 'time' | 'flag'>;

const FIELDS = Object.keys(KINDS) as (keyof Interaction)[];

type Column = (string | number | null)[];

export interface ReplayDayWire {
	tenant: { id: number; name: string; timezone: string };
	/** The replayed day, YYYY-MM-DD in the tenant's zone, and its bounds (epoch ms). */
	date: string;
	dayStartMs: number;
	dayEndMs: number;
	/** Server time of the load: a day that is today is known up to here. */
	loadedAtMs: number;
	count: number;
	/** The text that `text` columns name by index (null: -1). */
	strings: string[];
	/** One array per field of Interaction, `count` long, encoded as KINDS says. */
	columns: Record<keyof Interaction, Column>;
	/** When each row's transcription was written, ms from the day's start; null: none (yet). */
	transcribed: (number | null)[];
	/** Alert breaches of the day in the viewer's scope: marks on the slider. */
	breaches: AlertView[];
}

export type WireBody = Omit<ReplayDayWire, 'count' | 'strings' | 'columns' | 'transcribed'>;

export function encodeDay(
	body: WireBody,
	rows: readonly Interaction[],
	transcribedAt: Record<string, number>
): ReplayDayWire {
	return { ...body, ...encodeRows(body.dayStartMs, rows, transcribedAt) };
}

/** The wire's row part alone (the server caches it for a day that is over). */
export type WireRows = Pick<ReplayDayWire, 'count' | 'strings' | 'columns' | 'transcribed'>;

export function encodeRows(
	dayStartMs: number,
	rows: readonly Interaction[],
	transcribedAt: Record<string, number>
): WireRows {
	const strings: string[] = [];
	const indexOf = new Map<string, number>();
	const text = (value: string) => {
		let index = indexOf.get(value);
		if (index === undefined) indexOf.set(value, (index = strings.push(value) - 1));
		return index;
	};
	const columns = {} as Record<keyof Interaction, Column>;
	for (const field of FIELDS) {
		const kind = KINDS[field];
		columns[field] = rows.map((row) => {
			const value = row[field];
			if (kind === 'flag') return value ? 1 : 0;
			if (value === null) return kind === 'text' ? -1 : null;
			if (kind === 'text') return text(value as string);
			if (kind === 'time') return Date.parse(value as string) - dayStartMs;
			return value as string | number;
		});
	}
	const transcribed = rows.map((row) => {
		const at = transcribedAt[row.id];
		return at === undefined ? null : at - dayStartMs;
	});
	return { count: rows.length, strings, columns, transcribed };
}

export function decodeDay(wire: ReplayDayWire): DayRows {
	const { count, strings, columns, dayStartMs } = wire;
	const moments = {
		created: times(columns.createdAt, dayStartMs),
		answered: times(columns.answeredAt, dayStartMs),
		acw: times(columns.acwStartedAt, dayStartMs),
		closed: times(columns.closedAt, dayStartMs),
		transcribed: times(wire.transcribed, dayStartMs)
	};
	const iso = isoMaker();
	const text = (column: Column, i: number) => {
		const index = column[i] as number;
		return index < 0 ? null : strings[index];
	};
	const c = columns;
	const rows: Interaction[] = new Array(count);
	const transcribedAt: Record<string, number> = {};
	for (let i = 0; i < count; i++) {
		// One literal, every field in one order: every row has the same shape.
		rows[i] = {
			id: c.id[i] as string,
			tenantId: c.tenantId[i] as number,
			queueId: c.queueId[i] as number | null,
			queueName: text(c.queueName, i),
			channel: text(c.channel, i) as Interaction['channel'],
			direction: text(c.direction, i) as Interaction['direction'],
			status: text(c.status, i) as Interaction['status'],
			agentId: c.agentId[i] as number | null,
			agentName: text(c.agentName, i),
			crmContactId: c.crmContactId[i] as string | null,
			clientName: text(c.clientName, i),
			phoneNumber: c.phoneNumber[i] as string | null,
			did: text(c.did, i),
			dispositionId: c.dispositionId[i] as number | null,
			dispositionCode: text(c.dispositionCode, i),
			createdAt: iso(moments.created[i])!,
			answeredAt: iso(moments.answered[i]),
			acwStartedAt: iso(moments.acw[i]),
			closedAt: iso(moments.closed[i]),
			waitSeconds: c.waitSeconds[i] as number | null,
			talkSeconds: c.talkSeconds[i] as number | null,
			acwSeconds: c.acwSeconds[i] as number | null,
			contentPreview: c.contentPreview[i] as string | null,
			hasRecording: c.hasRecording[i] === 1,
			hasTranscription: c.hasTranscription[i] === 1
		};
		if (!Number.isNaN(moments.transcribed[i])) {
			transcribedAt[rows[i].id] = moments.transcribed[i];
		}
	}
	return { rows, transcribedAt, dayStartMs, moments };
}

function times(column: readonly (string | number | null)[], base: number): Float64Array {
	const out = new Float64Array(column.length);
	for (let i = 0; i < column.length; i++) {
		const v = column[i];
		out[i] = v === null ? Number.NaN : base + (v as number);
	}
	return out;
}

/**
 * ms → ISO text as Date#toISOString writes it, with each minute's 'YYYY-MM-DDTHH:MM:' made once:
 * a day's 150,000 timestamps without a Date each (that was most of the decoding).
 */
function isoMaker(): (ms: number) => string | null {
	const minutes = new Map<number, string>();
	return (ms) => {
		if (Number.isNaN(ms)) return null;
		const minute = Math.floor(ms / 60_000);
		let prefix = minutes.get(minute);
		if (prefix === undefined) {
			prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
			minutes.set(minute, prefix);
		}
		const rest = ms - minute * 60_000;
		const seconds = Math.floor(rest / 1000);
		const millis = rest - seconds * 1000;
		return `${prefix}${seconds < 10 ? '0' : ''}${seconds}.${String(millis).padStart(3, '0')}Z`;
	};
}
