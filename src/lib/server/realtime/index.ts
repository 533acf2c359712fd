import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { withLogContext } from '../log';
import { accessHandler } from './access';
import { startAlertSockets } from './alerts';
import { createCatchUp } from './catch-up';
import { startFanout } from './fanout';
import { admitSocket, allowHandshake } from './handshake';
import { startHeartbeat } from './heartbeat';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from './limits';
import type { RealtimeMeter } from './types';
import { rawJsonParser } from './raw-json';
import { createSubscribeHandlers } from './subscribe';
import type { LiveSocket, Realtime, RealtimeDeps, RealtimeServer } from './types';
import { watchViewers } from './viewers';

export type { LiveSocket, Realtime, RealtimeDeps, RealtimeServer } from './types';

/**
 * Socket.IO on the app's HTTP server: thin wiring over the handler modules beside it. The
 * handshake (handshake.ts) decides who may connect; a screen's messages (subscribe.ts, with
 * catch-up.ts) join it to the rooms its scope allows and catch it up; the change log reaches
 * the rooms through the event bus (fanout.ts), as do access changes (access.ts, viewers.ts) and
 * alerts (alerts.ts: to the sockets whose scope includes the queue, with list and acknowledge);
 * the heartbeat (heartbeat.ts) keeps screens sure the node is alive.
 */

const NO_METER: RealtimeMeter = { sent() {}, subscribed() {}, emitted() {} };

export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
	const { log, events } = deps;
	const meter = deps.meter ?? NO_METER;
	const io: RealtimeServer = new Server(httpServer, {
		serveClient: false,
		parser: rawJsonParser,
		pingInterval: PING_INTERVAL_MS,
		pingTimeout: PING_TIMEOUT_MS,
		maxHttpBufferSize: 64 * 1024,
		allowRequest: allowHandshake(deps)
	});
	io.use(admitSocket(deps));

	const viewers = watchViewers({
		io,
		log,
		authenticate: deps.authenticate,
		touchSessions: deps.touchSessions,
		sessionSweepMs: deps.sessionSweepMs ?? 30_000
	});
	const { fanout, stop: stopFanout } = startFanout({
		io,
		live: deps.live,
		events,
		meter,
		recheckAll: viewers.recheckAll
	});
	const stopHeartbeat = startHeartbeat({ io, live: deps.live, isCurrent: deps.isCurrent, meter });
	const handlers = createSubscribeHandlers({
		...deps,
		fanout,
		catchUp: createCatchUp(deps.live),
		meter
	});

	const alerts = startAlertSockets({ ...deps, io });

	io.on('connection', (socket: LiveSocket) => {
		const { viewer } = socket.data;
		const context = { socketId: socket.id };
		withLogContext(context, () =>
			log.debug('socket connected', {
				viewer: viewer.kind === 'wall' ? 'wall' : viewer.role,
				tenant: viewer.tenantId
			})
		);
		socket.on('live:subscribe', (request, reply) => handlers.subscribe(socket, request, reply));
		socket.on('live:unsubscribe', (reply) => handlers.unsubscribe(socket, reply));
		socket.on('live:ping', (reply) => handlers.ping(reply));
		alerts.attach(socket);
		socket.on('disconnect', (reason) =>
			withLogContext(context, () => log.debug('socket disconnected', { reason }))
		);
	});

	const realtime: Realtime = {
		io,
		endSessions: viewers.endSessions,
		refreshViewers: viewers.refreshViewers,
		async close() {
			stopHeartbeat();
			viewers.stop();
			stopFanout();
			stopAccess();
			alerts.stop();
			await io.close();
		}
	};
	// Access changes act on this node's sockets through its public face, as admin code does.
	const stopAccess = events.on('access.changed', accessHandler(realtime, log));
	return realtime;
}
