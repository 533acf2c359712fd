import * as v from 'valibot';

/**
 * Keyset pagination cursors: the sort value and id of the last row of a page, opaque to the
 * client (base64url JSON). A page continues strictly after it, so rows inserted meanwhile
 * produce neither duplicates nor gaps, and no OFFSET scan is ever needed.
 */
export interface Cursor {
	value: string | number | null;
	id: string;
}

/** What the sort column holds: a DATETIME(3) as text, a count of seconds, or a name. */
export type CursorKind = 'time' | 'number' | 'text';

export class CursorError extends Error {}

const SORT_VALUE = {
	time: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/)),
	number: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32)),
	// The longest sortable name: a CRM contact's (128) or a caller's number (32).
	text: v.pipe(v.string(), v.maxLength(255))
} as const;

const CursorSchema = (kind: CursorKind) =>
	v.tuple([SORT_VALUE[kind], v.pipe(v.string(), v.regex(/^\d{1,20}$/))]);

export function encodeCursor(cursor: Cursor): string {
	return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url');
}

/**
 * The cursor of a page sorted by a column of `kind`; null when none was given. Anything that
 * is not a cursor this server made for that order throws CursorError (a 400), rather than
 * reaching SQL as a value of the wrong type.
 */
export function decodeCursor(text: string | null, kind: CursorKind): Cursor | null {
	if (!text) return null;
	try {
		if (text.length > 1500 || !/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
		const parsed = v.parse(
			CursorSchema(kind),
			JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
		);
		return { value: parsed[0], id: parsed[1] };
	} catch {
		throw new CursorError('Invalid page cursor: reload the first page');
	}
}
