import type { TranscriptSegment, TranscriptSpeaker } from '$lib/transcript';

/**
 * A text conversation (message_body) read into turns. The PBX schema stores one text per
 * interaction; PBXs that mark speakers write a "Speaker: text" line per message (ours does:
 * "Customer: …", "Agent: …"). A line that names no known speaker continues the turn before it,
 * so a message with line breaks stays one turn, and a body with no speakers at all reads as
 * one unattributed turn rather than being cut or lost.
 */

const SPEAKER_LINE =
	/^\s*(agent|operator|rep|customer|client|caller|contact|visitor|user)\s*:\s?(.*)$/i;
const AGENT_NAMES = new Set(['agent', 'operator', 'rep']);

function speakerOf(name: string): TranscriptSpeaker {
	return AGENT_NAMES.has(name.toLowerCase()) ? 'agent' : 'customer';
}

export function conversationTurns(body: string): TranscriptSegment[] {
	const turns: TranscriptSegment[] = [];
	for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
		const named = SPEAKER_LINE.exec(line);
		if (named) {
			turns.push({ speaker: speakerOf(named[1]), start: null, end: null, text: named[2] });
			continue;
		}
		const last = turns[turns.length - 1];
		if (last) last.text = last.text === '' ? line : `${last.text}\n${line}`;
		else if (line.trim() !== '') turns.push({ speaker: null, start: null, end: null, text: line });
	}
	return turns.filter((turn) => turn.text.trim() !== '');
}
