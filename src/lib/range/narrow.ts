import type { ViewFilters } from '$lib/filters';
import { formatLocalTime } from '$lib/time/local-time';
import { formatZonedDate, zonedDateOf } from '$lib/time/zone';
import type { IntervalSize, VolumeInterval } from './picture';

/**
 * The filters that narrow the grid to one chart interval, through the same custom range as
 * the date fields: a day bar is that day; a 15-minute or hour bar (or a day the range clips) is
 * its times in the tenant's zone (To exclusive), so the URL says what the grid shows and a shared link shows it again.
 */
export function intervalFilters(
	interval: Pick<VolumeInterval, 'startMs' | 'endMs'>,
	size: IntervalSize,
	timeZone: string
): Pick<ViewFilters, 'range' | 'from' | 'to'> {
	const from = formatLocalTime(interval.startMs, timeZone);
	const to = formatLocalTime(interval.endMs, timeZone);
	// A whole day (a day bar not clipped by the range) reads as that day, as the date fields do.
	if (size === '1d' && from.endsWith('T00:00') && to.endsWith('T00:00')) {
		const day = formatZonedDate(zonedDateOf(interval.startMs, timeZone));
		const last = formatZonedDate(zonedDateOf(interval.endMs - 1, timeZone));
		return { range: 'custom', from: day, to: last };
	}
	return { range: 'custom', from, to };
}
