import * as v from 'valibot';
import { CHANNELS, STATUSES, type Channel, type Interaction, type Status } from './interaction';
import { choiceField, idField, parseFields, textField } from './params';
import {
	addDays,
	formatZonedDate,
	parseZonedDate,
	zonedDateOf,
	zonedMidnight,
	type ZonedDate
} from './time/zone';
import { localTimeInstant, parseLocalTime } from './time/local-time';

/**
 * The view a user is looking at — filters, date range, sort — as held in the URL. Parsed and
 * validated the same way in the browser and on the server, and applied with the same meaning
 * to live rows (matchesFilters) and to history queries (the server's SQL).
 */

export const RANGE_PRESETS = [
	'today',
	'yesterday',
	'last7',
	'last30',
	'thisMonth',
	'lastMonth',
	'custom'
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const RANGE_LABELS: Record<RangePreset, string> = {
	today: 'Today',
	yesterday: 'Yesterday',
	last7: 'Last 7 days',
	last30: 'Last 30 days',
	thisMonth: 'This month',
	lastMonth: 'Last month',
	custom: 'Custom'
};

/** Columns a view can be sorted by (history on the server: see HISTORY_SORT_KEYS). */
export const SORT_KEYS = [
	'created',
	'closed',
	'channel',
	'queue',
	'agent',
	'client',
	'did',
	'disposition',
	'duration',
	'acw',
	'status'
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
/** Every column but Status: a history range holds closed rows only, so Status orders nothing. */
export const HISTORY_SORT_KEYS: readonly SortKey[] = SORT_KEYS.filter((key) => key !== 'status');

export interface ViewFilters {
	agent: string;
	queueId: number | null;
	channel: Channel | null;
	did: string;
	disposition: string;
	status: Status | null;
	range: RangePreset;
	from: string;
	to: string;
	sort: SortKey;
	dir: 'asc' | 'desc';
}

export const DEFAULT_FILTERS: ViewFilters = {
	agent: '',
	queueId: null,
	channel: null,
	did: '',
	disposition: '',
	status: null,
	range: 'today',
	from: '',
	to: '',
	sort: 'created',
	dir: 'desc'
};

export const TEXT_LIMITS = { agent: 64, did: 32, disposition: 32 } as const;

export type FieldErrors = Partial<Record<keyof ViewFilters | 'tenant' | 'cursor', string>>;

const VIEW_PARAMS = {
	agent: textField(TEXT_LIMITS.agent),
	did: textField(TEXT_LIMITS.did),
	disposition: textField(TEXT_LIMITS.disposition),
	queue: idField('Unknown queue'),
	channel: choiceField(CHANNELS, 'Choose Chat, Voice, SMS or WhatsApp'),
	status: choiceField(STATUSES, 'Choose New, Active, ACW or Closed'),
	range: choiceField(RANGE_PRESETS, 'Unknown date range'),
	from: v.string(),
	to: v.string(),
	sort: choiceField(SORT_KEYS, 'Unknown sort column'),
	dir: choiceField(['asc', 'desc'], 'Sort direction is asc or desc')
};

export function parseViewParams(params: URLSearchParams): {
	filters: ViewFilters;
	errors: FieldErrors;
} {
	const { values, errors: fieldErrors } = parseFields(params, VIEW_PARAMS);
	const { queue: queueError, ...errors } = fieldErrors as typeof fieldErrors & FieldErrors;
	const { queue, channel, status, ...given } = values;
	const filters: ViewFilters = {
		...DEFAULT_FILTERS,
		...given,
		queueId: queue ?? null,
		channel: channel ?? null,
		status: status ?? null
	};
	if (queueError) errors.queueId = queueError;
	if (filters.range === 'custom') {
		const from = parseRangeEnd(filters.from);
		const to = parseRangeEnd(filters.to);
		if (!from) errors.from = 'Enter a From date as YYYY-MM-DD (or YYYY-MM-DDTHH:MM)';
		if (!to) errors.to = 'Enter a To date as YYYY-MM-DD (or YYYY-MM-DDTHH:MM)';
		// The instants are compared on the server, in the tenant's zone (rangeProblem).
		if (from && to && to.date < from.date) errors.to = 'To must be on or after From';
	} else {
		filters.from = '';
		filters.to = '';
	}
	if (filters.range !== 'today' && !HISTORY_SORT_KEYS.includes(filters.sort)) {
		errors.sort = 'History is all Closed: sort it by any other column';
	}
	return { filters, errors };
}

/** The URL query of a view; defaults are left out so shared links stay short. */
export function viewSearchParams(filters: ViewFilters, extra: Record<string, string> = {}) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
	if (filters.agent) params.set('agent', filters.agent);
	if (filters.queueId !== null) params.set('queue', String(filters.queueId));
	if (filters.channel) params.set('channel', filters.channel);
	if (filters.did) params.set('did', filters.did);
	if (filters.disposition) params.set('disposition', filters.disposition);
	if (filters.status) params.set('status', filters.status);
	if (filters.range !== 'today') params.set('range', filters.range);
	if (filters.range === 'custom') {
		params.set('from', filters.from);
		params.set('to', filters.to);
	}
	if (filters.sort !== 'created') params.set('sort', filters.sort);
	if (filters.dir !== 'desc') params.set('dir', filters.dir);
	return params;
}

/**
 * One end of a custom range: a date (a whole day: From at its start, To through its end) or,
 * once a chart bar narrowed the view, a time of day in the tenant's zone (To is then exclusive).
 */
function parseRangeEnd(text: string): { date: string; time: boolean } | null {
	if (parseZonedDate(text)) return { date: text, time: false };
	const local = parseLocalTime(text);
	return local ? { date: formatZonedDate(local), time: true } : null;
}

/** The instant a range end names, or null when the zone's clock never reads it. */
function endInstant(text: string, timeZone: string, end: 'from' | 'to'): number | null {
	const date = parseZonedDate(text);
	if (date) return zonedMidnight(end === 'from' ? date : addDays(date, 1), timeZone);
	const local = parseLocalTime(text);
	return local ? localTimeInstant(local, timeZone) : null;
}

export interface RangeSpan {
	fromMs: number;
	toMs: number;
	fromDate: string;
	toDate: string;
	/** 'HH:MM' when a custom range starts or ends within a day (a chart bar's interval). */
	fromTime: string | null;
	toTime: string | null;
}

/** The instants a range covers in the tenant's zone: [fromMs, toMs). */
export function rangeBounds(
	filters: Pick<ViewFilters, 'range' | 'from' | 'to'>,
	timeZone: string,
	nowMs: number
): RangeSpan {
	const today = zonedDateOf(nowMs, timeZone);
	if (filters.range === 'custom' && (filters.from.includes('T') || filters.to.includes('T'))) {
		const fromMs = endInstant(filters.from, timeZone, 'from') ?? zonedMidnight(today, timeZone);
		const toMs = endInstant(filters.to, timeZone, 'to') ?? fromMs;
		const clock = (text: string) => (text.includes('T') ? text.slice(11, 16) : null);
		return {
			fromMs,
			toMs,
			fromDate: formatZonedDate(zonedDateOf(fromMs, timeZone)),
			toDate: formatZonedDate(zonedDateOf(Math.max(fromMs, toMs - 1), timeZone)),
			fromTime: clock(filters.from),
			toTime: clock(filters.to)
		};
	}
	let first: ZonedDate;
	let last: ZonedDate;
	switch (filters.range) {
		case 'today':
			first = last = today;
			break;
		case 'yesterday':
			first = last = addDays(today, -1);
			break;
		case 'last7':
			first = addDays(today, -6);
			last = today;
			break;
		case 'last30':
			first = addDays(today, -29);
			last = today;
			break;
		case 'thisMonth':
			first = { ...today, day: 1 };
			last = today;
			break;
		case 'lastMonth': {
			const firstOfThis = { ...today, day: 1 };
			last = addDays(firstOfThis, -1);
			first = { ...last, day: 1 };
			break;
		}
		case 'custom':
			first = parseZonedDate(filters.from) ?? today;
			last = parseZonedDate(filters.to) ?? first;
			break;
	}
	return {
		fromMs: zonedMidnight(first, timeZone),
		toMs: zonedMidnight(addDays(last, 1), timeZone),
		fromDate: formatZonedDate(first),
		toDate: formatZonedDate(last),
		fromTime: null,
		toTime: null
	};
}

/** "2026-12-05 to 2026-12-06", or with a bar's times "2026-12-05 10:00 to 10:15". */
export function spanText(span: Omit<RangeSpan, 'fromMs' | 'toMs'>): string {
	if (span.fromTime === null && span.toTime === null) return `${span.fromDate} to ${span.toDate}`;
	const toDay = span.toDate === span.fromDate ? '' : `${span.toDate} `;
	return `${span.fromDate} ${span.fromTime ?? '00:00'} to ${toDay}${span.toTime ?? '24:00'}`;
}

/**
 * What is wrong with a custom range's times in the tenant's zone (a time its clocks skipped,
 * or To not after From), per field; the dates alone are checked by parseViewParams.
 */
export function rangeProblem(
	filters: Pick<ViewFilters, 'range' | 'from' | 'to'>,
	timeZone: string
): FieldErrors {
	if (filters.range !== 'custom') return {};
	const from = endInstant(filters.from, timeZone, 'from');
	const to = endInstant(filters.to, timeZone, 'to');
	const skipped = `That time does not exist in ${timeZone}`;
	if (from === null) return { from: skipped };
	if (to === null) return { to: skipped };
	return to > from ? {} : { to: 'To must be after From' };
}

function includesFolded(haystack: string | null, needle: string): boolean {
	return haystack !== null && haystack.toLowerCase().includes(needle.toLowerCase());
}

/** The filter bar's meaning, for live rows. The server's history SQL means the same. */
export function matchesFilters(row: Interaction, filters: ViewFilters): boolean {
	if (filters.agent && !includesFolded(row.agentName, filters.agent)) return false;
	if (filters.queueId !== null && row.queueId !== filters.queueId) return false;
	if (filters.channel && row.channel !== filters.channel) return false;
	if (filters.did && !includesFolded(row.did, filters.did)) return false;
	if (filters.disposition && row.dispositionCode !== filters.disposition) return false;
	if (filters.status && row.status !== filters.status) return false;
	return true;
}
