import type { ServerOptions } from 'socket.io';
import { TOO_MANY_SOCKETS, type RefusedHandshakeData } from '$lib/realtime';
import { clientAddress } from '../http/address';
import { isSameOrigin } from './origin';
import { HANDSHAKE_RATE_MESSAGE, handshakeRate, PrincipalSockets } from './principals';
import type { LiveSocket, RealtimeDeps } from './types';

/**
 * Who may open a socket, in the order it costs: the origin and the address's handshake rate
 * before anything is looked up (Engine.IO's allowRequest), then the viewer behind the cookie or
 * wall token and its principal's count of open sockets (a Socket.IO middleware).
 */

/** Refuses a cross-site handshake, and an address past its handshakes per minute. */
export function allowHandshake(
	deps: Pick<RealtimeDeps, 'allowedOrigin' | 'limits' | 'clientAddress'>
): NonNullable<ServerOptions['allowRequest']> {
	const handshakes = handshakeRate(deps.limits.handshakesPerMinute);
	return (request, callback) => {
		if (!isSameOrigin(request.headers, deps.allowedOrigin)) return callback(null, false);
		if (!handshakes.take(clientAddress(request, deps.clientAddress))) {
			return callback(HANDSHAKE_RATE_MESSAGE, false);
		}
		callback(null, true);
	};
}

/**
 * Authenticates a socket and gives it one of its principal's places: a refused one is told why
 * and when to try again. The viewer is kept in `socket.data`.
 */
export function admitSocket(deps: Pick<RealtimeDeps, 'authenticate' | 'limits' | 'log'>) {
	const principals = new PrincipalSockets(deps.limits);
	return (socket: LiveSocket, next: (error?: Error) => void): void => {
		deps
			.authenticate(socket.request.headers, socket.handshake.auth)
			.then((viewer) => {
				if (!viewer) return next(new Error('unauthorized'));
				// The client may have gone while the viewer was looked up: it takes no place then.
				if (socket.conn.readyState !== 'open') return next(new Error('closed'));
				const place = principals.take(viewer);
				if (typeof place !== 'function') {
					const data: RefusedHandshakeData = {
						code: TOO_MANY_SOCKETS,
						retryAfterMs: place.retryAfterMs
					};
					return next(Object.assign(new Error(place.message), { data }));
				}
				// The engine's connection closes once, however the socket ends.
				socket.conn.once('close', place);
				socket.data = { viewer, scope: null };
				next();
			})
			.catch((error: unknown) => {
				deps.log.error('socket authentication failed', { error, socketId: socket.id });
				next(new Error('unauthorized'));
			});
	};
}
