/**
 * A transcription as GET /api/transcriptions/[id] answers it: the server reads the PBX's
 * segments into this shape, the transcript view checks a response against it.
 */

export type TranscriptSpeaker = 'agent' | 'customer' | null;

export interface TranscriptSegment {
	speaker: TranscriptSpeaker;
	/** Seconds from the start of the recording; null when the job did not say. */
	start: number | null;
	end: number | null;
	text: string;
}

export interface Transcription {
	language: string | null;
	segments: TranscriptSegment[];
}
