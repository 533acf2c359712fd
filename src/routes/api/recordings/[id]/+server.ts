import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { json } from '@sveltejs/kit';
import { withinTimeLimit } from '$lib/server/db';
import type { Logger } from '$lib/server/log';
import { recordingPath } from '$lib/server/recordings/files';
import { findClosedInScope } from '$lib/server/recordings/lookup';
import { interactionRequest, NO_STORE } from '$lib/server/recordings/request';
import type { RequestEvent, RequestHandler } from './$types';

/**
 * A call recording, streamed with HTTP Range so the browser can seek (see docs/API.md). The
 * file is found only through the interaction row the viewer's scope lets through; the client
 * never names a path.
 */

const TYPES: Record<string, string> = {
	'.wav': 'audio/wav',
	'.mp3': 'audio/mpeg',
	'.ogg': 'audio/ogg'
};

type ByteRange = { start: number; end: number };
type RangeAnswer =
	{ kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * One `bytes=` range against a file of `size`. A header we do not understand, or several
 * ranges, is answered with the whole file, as RFC 9110 allows.
 */
function parseRange(header: string | null, size: number): RangeAnswer {
	const match = header === null ? null : /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
	if (!match) return { kind: 'whole' };
	const first = match[1] === '' ? null : Number(match[1]);
	const last = match[2] === '' ? null : Number(match[2]);
	if ([first, last].some((n) => n !== null && !Number.isSafeInteger(n))) return { kind: 'whole' };
	if (first === null) {
		if (last === null) return { kind: 'whole' };
		// `bytes=-n`: the last n bytes.
		if (last === 0) return { kind: 'unsatisfiable' };
		return { kind: 'part', range: { start: Math.max(0, size - last), end: size - 1 } };
	}
	if (last !== null && last < first) return { kind: 'whole' };
	if (first >= size) return { kind: 'unsatisfiable' };
	return { kind: 'part', range: { start: first, end: Math.min(last ?? size - 1, size - 1) } };
}

function unavailable(message = 'Recording unavailable'): Response {
	return json({ message }, { status: 404, headers: NO_STORE });
}

/**
 * Opens the file without following it into a FIFO or device (O_NONBLOCK, then a regular-file
 * check), and keeps the handle so the size and the bytes come from the same file even if the
 * PBX replaces it meanwhile.
 */
async function openRecording(
	root: string,
	relative: string | null,
	log: Logger
): Promise<{ handle: FileHandle; size: number } | null> {
	const full = recordingPath(root, relative);
	if (!full) {
		if (relative) log.warn('recording_file outside the recordings root', { relative });
		return null;
	}
	let handle: FileHandle;
	try {
		handle = await open(full, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch {
		return null;
	}
	const info = await handle.stat().catch(() => null);
	if (!info?.isFile() || info.size === 0) {
		await handle.close();
		return null;
	}
	return { handle, size: info.size };
}

/** Pull-based, so a slow listener holds back the disk and a hang-up closes the file. */
function streamOf(handle: FileHandle, range: ByteRange): ReadableStream<Uint8Array> {
	const file = handle.createReadStream({ start: range.start, end: range.end, autoClose: true });
	return new ReadableStream<Uint8Array>({
		start(controller) {
			file.on('data', (chunk: Buffer | string) => {
				controller.enqueue(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
				if ((controller.desiredSize ?? 0) <= 0) file.pause();
			});
			file.once('end', () => controller.close());
			file.once('error', (error) => controller.error(error));
		},
		pull() {
			file.resume();
		},
		cancel() {
			file.destroy();
		}
	});
}

async function serve(event: RequestEvent, withBody: boolean): Promise<Response> {
	const { locals, params, url, request } = event;
	const asked = interactionRequest(locals, locals.viewer, url, params.id, NO_STORE);
	if (asked instanceof Response) return asked;
	const { scope, id } = asked;
	// Database trouble (a lock wait, no connection left, …) is a 503 with a message.
	const row = await withinTimeLimit(() => findClosedInScope(locals, scope, id));
	if (!row) return unavailable('Not found');
	const opened = await openRecording(locals.history.recordingsRoot, row.recordingFile, locals.log);
	if (!opened) return unavailable();
	const { handle, size } = opened;

	const download = url.searchParams.get('download') === '1';
	const answer = parseRange(request.headers.get('range'), size);
	const extension = path.extname(row.recordingFile ?? '').toLowerCase();
	const headers = new Headers({
		...NO_STORE,
		'accept-ranges': 'bytes',
		'content-type': TYPES[extension] ?? 'application/octet-stream'
	});
	if (download) {
		const suffix = TYPES[extension] ? extension : '.wav';
		headers.set('content-disposition', `attachment; filename="recording-${row.id}${suffix}"`);
	}
	if (answer.kind === 'unsatisfiable') {
		await handle.close();
		headers.set('content-range', `bytes */${size}`);
		return new Response(null, { status: 416, headers });
	}
	const range = answer.kind === 'part' ? answer.range : { start: 0, end: size - 1 };
	headers.set('content-length', String(range.end - range.start + 1));
	if (answer.kind === 'part') {
		headers.set('content-range', `bytes ${range.start}-${range.end}/${size}`);
	}

	// A player asks for many ranges per listen (seeks, buffering): only the one from byte 0
	// counts, and not Safari's two-byte probe (`bytes=0-1`) that precedes its real request.
	const probe = answer.kind === 'part' && range.end < 2;
	if (withBody && range.start === 0 && !probe) {
		await locals.audit.record({
			action: download ? 'recording_downloaded' : 'recording_played',
			viewer: locals.viewer,
			tenantId: row.tenantId,
			subject: `interaction:${row.id}`,
			ip: event.getClientAddress()
		});
	}
	if (!withBody) {
		await handle.close();
		return new Response(null, { status: answer.kind === 'part' ? 206 : 200, headers });
	}
	return new Response(streamOf(handle, range), {
		status: answer.kind === 'part' ? 206 : 200,
		headers
	});
}

export const GET: RequestHandler = (event) => serve(event, true);
export const HEAD: RequestHandler = (event) => serve(event, false);
