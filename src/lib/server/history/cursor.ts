/**
 * Keyset pagination cursors: the sort value and id of the last row of a page, opaque to the
 * client (base64url JSON). A page continues strictly after it, so rows inserted meanwhile
 * produce neither duplicates nor gaps, and no OFFSET scan is ever needed.
 */
export interface Cursor {
	value: string | number | null;
	id: string;
}

export class CursorError extends Error {}

export function encodeCursor(cursor: Cursor): string {
	return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string | null): Cursor | null {
	if (!text) return null;
	try {
		if (text.length > 200) throw new Error('too long');
		const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
		if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error('shape');
		const [value, id] = parsed as unknown[];
		if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) throw new Error('id');
		if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
			throw new Error('value');
		}
		return { value, id };
	} catch {
		throw new CursorError('Invalid page cursor: reload the first page');
	}
}
