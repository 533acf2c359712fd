import type { Channel, Status } from './interaction';
import { zonedParts } from './time/zone';

export const CHANNEL_LABELS: Record<Channel, string> = {
	voice: 'Voice',
	chat: 'Chat',
	sms: 'SMS',
	whatsapp: 'WhatsApp'
};

export const STATUS_LABELS: Record<Status, string> = {
	new: 'New',
	active: 'Active',
	acw: 'ACW',
	closed: 'Closed'
};

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD HH:MM:SS' in the tenant's zone; the time alone when `timeOnly`. */
export function formatInZone(iso: string | null, timeZone: string, timeOnly = false): string {
	if (!iso) return '';
	const p = zonedParts(Date.parse(iso), timeZone);
	const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
	return timeOnly ? time : `${p.year}-${pad(p.month)}-${pad(p.day)} ${time}`;
}

/** A moment as the tenant's wall clock: 'HH:MM:SS', or 'HH:MM' without seconds. */
export function clockInZone(ms: number, timeZone: string, seconds = true): string {
	const p = zonedParts(ms, timeZone);
	return `${pad(p.hour)}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ''}`;
}

// One formatter for every count on screen: live and history totals must read alike ("2,053",
// never "2053" next to "6,666"). Fixed to 'en' so the server render and the browser agree.
const COUNT = new Intl.NumberFormat('en');

/** A count of things, grouped in thousands: 2,053. */
export function formatCount(n: number): string {
	return COUNT.format(n);
}

/** A count with its noun, singular for one: "1 interaction", "2,053 interactions". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
	return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}
