/**
 * Browsers send cookies on cross-site WebSocket handshakes too, so a handshake's Origin must be
 * our own. A handshake without Origin is not from a browser page (tools, tests): the cookie
 * still rules.
 */
export function isSameOrigin(
	headers: Record<string, string | string[] | undefined>,
	allowed: string | undefined
): boolean {
	const origin = headers.origin;
	if (typeof origin !== 'string') return true;
	try {
		if (allowed) return new URL(origin).origin === new URL(allowed).origin;
		return new URL(origin).host === headers.host;
	} catch {
		return false;
	}
}
