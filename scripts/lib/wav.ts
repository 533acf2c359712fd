import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Rng } from './random';
import type { Speaker } from './conversation';

/**
 * Stand-in call recordings: telephone-quality PCM (8 kHz, mono, 16-bit) with alternating
 * "voices" (two pitches, syllable-like amplitude) separated by pauses. Real enough for a browser
 * <audio> element to play and seek, and for transcription segments to line up with the sound.
 */

export const SAMPLE_RATE = 8000;
/** Recordings are capped so a demo with thousands of calls stays a few hundred MB at most. */
export const MAX_SECONDS = 10;
const gain = 7000;

export interface Turn {
	speaker: Speaker;
	/** Seconds from the start of the file. */
	start: number;
	end: number;
}

const leadIn = 0.3;

/**
 * Where each speech turn sits in a file of `seconds`: agent first, then alternating, with
 * 0.2–0.6 s pauses. Deterministic for a seed, so a transcript can be planned before the file
 * is written.
 */
export function planTurns(seconds: number, turnCount: number, seed: number): Turn[] {
	const rng = new Rng(seed);
	const length = clampSeconds(seconds);
	const count = Math.max(1, Math.floor(turnCount));
	const pauses = Array.from({ length: count }, () => rng.float(0.2, 0.6));
	const weights = Array.from({ length: count }, () => rng.float(0.6, 1.4));
	// Short files get shorter pauses, so every turn still fits before the end of the file.
	const room = length - leadIn;
	const pauseScale = Math.min(1, (0.4 * room) / pauses.reduce((a, b) => a + b, 0));
	const speech = room - pauses.reduce((a, b) => a + b * pauseScale, 0);
	const scale = speech / weights.reduce((a, b) => a + b, 0);
	const turns: Turn[] = [];
	let at = leadIn;
	for (let i = 0; i < count; i++) {
		const end = Math.min(length, at + weights[i] * scale);
		turns.push({ speaker: i % 2 === 0 ? 'agent' : 'customer', start: at, end });
		at = end + pauses[i] * pauseScale;
	}
	return turns;
}

/** The PCM bytes of a whole WAV file (header included). */
export function toneWav(seconds: number, seed: number, turnCount = 6): Buffer {
	const length = clampSeconds(seconds);
	const samples = Math.round(length * SAMPLE_RATE);
	const buffer = Buffer.alloc(44 + samples * 2);
	writeHeader(buffer, samples);
	const rng = new Rng(seed ^ 0x5bd1e995);
	for (const turn of planTurns(length, turnCount, seed)) {
		const pitch = (turn.speaker === 'agent' ? 150 : 230) * rng.float(0.9, 1.1);
		const syllableRate = rng.float(3, 5);
		const from = Math.floor(turn.start * SAMPLE_RATE);
		const to = Math.min(samples, Math.floor(turn.end * SAMPLE_RATE));
		let phase = 0;
		for (let i = from; i < to; i++) {
			const t = (i - from) / SAMPLE_RATE;
			// A slow pitch wobble and a syllable envelope make it read as speech turns, not a beep.
			phase += (2 * Math.PI * pitch * (1 + 0.04 * Math.sin(2 * Math.PI * 0.7 * t))) / SAMPLE_RATE;
			const envelope = 0.25 + 0.75 * Math.abs(Math.sin(Math.PI * syllableRate * t));
			const fade = Math.min(1, (i - from) / 160, (to - i) / 160);
			const value = Math.sin(phase) + 0.4 * Math.sin(2 * phase) + 0.2 * Math.sin(3 * phase + 0.5);
			buffer.writeInt16LE(Math.round(value * envelope * fade * gain), 44 + i * 2);
		}
	}
	return buffer;
}

/**
 * Writes a WAV of `seconds` (capped at MAX_SECONDS) to `path`, creating its folders, and returns
 * the speech turns it contains.
 */
export async function writeToneWav(
	path: string,
	seconds: number,
	seed: number,
	turnCount = 6
): Promise<Turn[]> {
	await mkdir(dirname(path), { recursive: true });
	await writeFile(path, toneWav(seconds, seed, turnCount));
	return planTurns(seconds, turnCount, seed);
}

function clampSeconds(seconds: number): number {
	return Math.min(MAX_SECONDS, Math.max(1, seconds));
}

function writeHeader(buffer: Buffer, samples: number): void {
	const dataBytes = samples * 2;
	buffer.write('RIFF', 0, 'ascii');
	buffer.writeUInt32LE(36 + dataBytes, 4);
	buffer.write('WAVE', 8, 'ascii');
	buffer.write('fmt ', 12, 'ascii');
	buffer.writeUInt32LE(16, 16); // fmt chunk size
	buffer.writeUInt16LE(1, 20); // PCM
	buffer.writeUInt16LE(1, 22); // mono
	buffer.writeUInt32LE(SAMPLE_RATE, 24);
	buffer.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
	buffer.writeUInt16LE(2, 32); // block align
	buffer.writeUInt16LE(16, 34); // bits per sample
	buffer.write('data', 36, 'ascii');
	buffer.writeUInt32LE(dataBytes, 40);
}
