import { createHash, randomBytes } from 'node:crypto';

/** Secrets handed to browsers are random; only their SHA-256 is stored, so a leaked table
 * cannot be replayed. */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function parseCookies(header: string | string[] | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	const text = Array.isArray(header) ? header.join(';') : (header ?? '');
	for (const part of text.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		try {
			cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
		} catch {
			// a malformed cookie value is ignored, not fatal
		}
	}
	return cookies;
}

export const SESSION_COOKIE = 'il_session';
export const WALL_COOKIE = 'il_wall';
