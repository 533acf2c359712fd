import type { TranscriptSegment, TranscriptSpeaker } from '$lib/transcript';

/**
 * The segments column as the speech-to-text job wrote it. MariaDB hands JSON back as text
 * (MySQL as a parsed value); jobs differ in field names and leave out what they do not know,
 * so anything unreadable becomes fewer segments, never an error page.
 */
export function parseSegments(value: unknown): TranscriptSegment[] {
	let parsed: unknown = value;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			return [];
		}
	}
	if (isRecord(parsed) && Array.isArray(parsed.segments)) parsed = parsed.segments;
	if (!Array.isArray(parsed)) return [];
	const segments: TranscriptSegment[] = [];
	for (const item of parsed) {
		if (typeof item === 'string') {
			if (item.trim() !== '') segments.push({ speaker: null, start: null, end: null, text: item });
			continue;
		}
		if (!isRecord(item) || typeof item.text !== 'string' || item.text.trim() === '') continue;
		segments.push({
			speaker: speakerOf(item.speaker ?? item.role ?? item.channel),
			start: seconds(item.start),
			end: seconds(item.end),
			text: item.text
		});
	}
	return segments;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const AGENT_NAMES = new Set(['agent', 'operator', 'rep', 'representative']);
const CUSTOMER_NAMES = new Set(['customer', 'caller', 'client', 'contact']);

function speakerOf(value: unknown): TranscriptSpeaker {
	if (typeof value !== 'string') return null;
	const name = value.trim().toLowerCase();
	if (AGENT_NAMES.has(name)) return 'agent';
	if (CUSTOMER_NAMES.has(name)) return 'customer';
	return null;
}

function seconds(value: unknown): number | null {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}
