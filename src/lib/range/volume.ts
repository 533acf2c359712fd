import { CHANNELS, type Channel } from '$lib/interaction';
import { CHANNEL_LABELS, formatCount } from '$lib/format';
import { zonedParts } from '$lib/time/zone';
import type { IntervalSize, VolumeInterval } from './picture';

/**
 * The volume chart's words and numbers, apart from its drawing: every bar's label in the
 * tenant's zone (the same text on the chart's readout and in its table alternative), and the
 * stacked series the canvas draws.
 */

/** One colour per channel, the same in the chart, its legend and the heat map's key. */
export const CHANNEL_COLOURS: Record<Channel, string> = {
	voice: '#0f766e',
	chat: '#2563eb',
	sms: '#b45309',
	whatsapp: '#7c3aed'
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const pad = (n: number) => String(n).padStart(2, '0');

function dayText(ms: number, timeZone: string): string {
	const p = zonedParts(ms, timeZone);
	const weekday = WEEKDAYS[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()];
	return `${weekday} ${p.day} ${MONTHS[p.month - 1]}`;
}

function clockText(ms: number, timeZone: string): string {
	const p = zonedParts(ms, timeZone);
	return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** "Sat 5 Dec" for a day bar; "Sat 5 Dec 14:00–15:00" for an hour or a quarter. */
export function intervalLabel(
	interval: Pick<VolumeInterval, 'startMs' | 'endMs'>,
	size: IntervalSize,
	timeZone: string
): string {
	const day = dayText(interval.startMs, timeZone);
	if (size === '1d') return day;
	return `${day} ${clockText(interval.startMs, timeZone)}–${clockText(interval.endMs, timeZone)}`;
}

export function intervalTotal(interval: VolumeInterval): number {
	return CHANNELS.reduce((sum, channel) => sum + (interval.byChannel[channel] ?? 0), 0);
}

/** What a screen reader hears for a bar, and what the readout under the chart says. */
export function intervalSummary(
	interval: VolumeInterval,
	size: IntervalSize,
	timeZone: string
): string {
	const parts = CHANNELS.filter((c) => interval.byChannel[c] > 0).map(
		(c) => `${CHANNEL_LABELS[c]} ${formatCount(interval.byChannel[c])}`
	);
	const sl =
		interval.serviceLevelPct === null
			? 'no service level'
			: `service level ${interval.serviceLevelPct.toFixed(1)}%`;
	const detail = parts.length > 0 ? ` (${parts.join(', ')})` : '';
	return `${intervalLabel(interval, size, timeZone)}: ${formatCount(intervalTotal(interval))} offered${detail}, ${sl}`;
}

/**
 * uPlot's data: x at each bar's middle (seconds), then one cumulative series per channel from
 * the whole stack down to the first channel, so each bar drawn over the taller one before it
 * leaves that channel's band visible; then the service level.
 */
export function stackedData(volume: readonly VolumeInterval[]): {
	data: (number | null)[][];
	channels: Channel[];
} {
	const x = volume.map((v) => (v.startMs + v.endMs) / 2000);
	const channels = [...CHANNELS].reverse();
	const stacks = channels.map((_, i) =>
		volume.map((v) => channels.slice(i).reduce((sum, c) => sum + (v.byChannel[c] ?? 0), 0))
	);
	return { data: [x, ...stacks, volume.map((v) => v.serviceLevelPct)], channels };
}
