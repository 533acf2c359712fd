import type { IncomingMessage } from 'node:http';
import type { ClientAddressRule } from '../config';

/**
 * The client's address as adapter-node's getClientAddress reads it (ADDRESS_HEADER, XFF_DEPTH),
 * for requests that do not pass through SvelteKit: the Socket.IO handshake. Behind a proxy
 * every socket comes from the proxy's address; a per-address limit would then be one limit
 * for everyone.
 */
export function clientAddress(request: IncomingMessage, rule: ClientAddressRule): string {
	const peer = request.socket.remoteAddress ?? 'unknown';
	if (!rule.header) return peer;
	const raw = request.headers[rule.header];
	const value = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).trim();
	if (rule.header !== 'x-forwarded-for') return value || peer;
	const addresses = value.split(',').map((address) => address.trim());
	// Fewer entries than trusted proxies: the request did not come through them.
	if (addresses.length < rule.xffDepth || !value) return peer;
	return addresses[addresses.length - rule.xffDepth];
}
