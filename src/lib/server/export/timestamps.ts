import { formatInZone } from '$lib/format';
import { zoneOffsetMs } from '$lib/time/zone';

const QUARTER_HOUR = 900_000;

/**
 * formatInZone for a stream of timestamps. Intl per timestamp was a third of the export's time,
 * so the zone's offset is looked up once per quarter hour (every zone transition in use falls on
 * one); a quarter hour that does contain a transition goes through formatInZone itself.
 */
export function zonedTimestamps(timeZone: string): (iso: string | null) => string {
	const offsets = new Map<number, number | null>();
	return (iso) => {
		if (!iso) return '';
		const ms = Date.parse(iso);
		const slot = Math.floor(ms / QUARTER_HOUR);
		let offset = offsets.get(slot);
		if (offset === undefined) {
			if (offsets.size > 100_000) offsets.clear();
			const first = zoneOffsetMs(slot * QUARTER_HOUR, timeZone);
			const last = zoneOffsetMs((slot + 1) * QUARTER_HOUR - 1, timeZone);
			offset = first === last ? first : null;
			offsets.set(slot, offset);
		}
		if (offset === null) return formatInZone(iso, timeZone);
		return new Date(ms + offset).toISOString().slice(0, 19).replace('T', ' ');
	};
}
