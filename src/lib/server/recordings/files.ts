import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Recording files live under one configured root; `recording_file` is relative to it. A path
 * that would leave the root (absolute, `..`) is treated as missing, never served.
 */
export function recordingPath(root: string, relative: string | null): string | null {
	if (!relative || relative.includes('\0') || path.isAbsolute(relative)) return null;
	const full = path.resolve(root, relative);
	return full.startsWith(path.resolve(root) + path.sep) ? full : null;
}

/** Size of the recording file, or null when there is none to play. */
export async function recordingSize(root: string, relative: string | null): Promise<number | null> {
	const full = recordingPath(root, relative);
	if (!full) return null;
	try {
		const info = await stat(full);
		return info.isFile() ? info.size : null;
	} catch {
		return null;
	}
}
