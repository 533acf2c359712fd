import type { ViewFilters } from '$lib/filters';
import { formatLocalTime } from '$lib/time/local-time';
import { formatZonedDate, zonedDateOf } from '$lib/time/zone';
import type { IntervalSize, VolumeInterval } from './picture';

/**
 * The filters that narrow the grid to one chart interval, through the same custom range as
 * the date fields: a day bar is that day; a 15-minute or hour bar is its times in the tenant's
 * zone (To exclusive), so the URL says what the grid shows and a shared link shows it again.
 */
export function intervalFilters(
	interval: Pick<VolumeInterval, 'startMs' | 'endMs'>,
	size: IntervalSize,
	timeZone: string
): Pick<ViewFilters, 'range' | 'from' | 'to'> {
	if (size === '1d') {
		const day = formatZonedDate(zonedDateOf(interval.startMs, timeZone));
		return { range: 'custom', from: day, to: day };
	}
	return {
		range: 'custom',
		from: formatLocalTime(interval.startMs, timeZone),
		to: formatLocalTime(interval.endMs, timeZone)
	};
}
