import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/realtime';
import type { AlertStore } from '../alerts/store';
import type { Audit } from '../audit';
import type { RefusalAudit } from '../audit/refusals';
import type { LogEntry } from '../changelog/types';
import type { ClientAddressRule, SocketLimits } from '../config';
import type { AppEventBus } from '../events';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import type { Scope, Viewer } from '../scope';

/**
 * The socket server's types, on their own so the handler modules beside index.ts (handshake,
 * subscribe, catch-up, fan-out, heartbeat, viewers) import them without importing the wiring.
 */

export interface SocketData {
	viewer: Viewer;
	scope: Scope | null;
	/** A re-check of the viewer in progress (access changed, log restarted): subscribes wait. */
	recheck?: Promise<void>;
}

export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

export type SentEvent = 'live:changes' | 'live:heartbeat';
export type SubscribeAnswer = 'replay' | 'snapshot' | 'refused' | 'failed';

/**
 * What the realtime server reports as it works, for the metrics. Called once per emit (with the
 * receivers the rooms had), never per socket: the fan-out stays as cheap as it was.
 */
export interface RealtimeMeter {
	sent(event: SentEvent, payload: unknown, receivers: number): void;
	subscribed(answer: SubscribeAnswer): void;
	/** A log entry's changes were emitted: commit → emit latency. */
	emitted(entry: LogEntry): void;
}

export interface RealtimeDeps {
	/** Where catch-ups are decided, and the log position the heartbeat reports. */
	live: Pick<LiveService, 'catchUp' | 'position'>;
	/** Whether this node's view of the log is current: the heartbeat stops when it is not. */
	isCurrent: () => boolean;
	/** Applied log entries (fanned out), resyncs and access changes (sockets follow). */
	events: Pick<AppEventBus, 'on'>;
	/** Tenants and queues, for resolving which tenant and queues a subscriber gets. */
	lookups: Lookups;
	log: Logger;
	/** Resolves the viewer from the handshake (session cookie or wall token); null = refuse. */
	authenticate: (
		headers: Record<string, string | string[] | undefined>,
		auth: unknown
	) => Promise<Viewer | null>;
	/** Audits a refused attempt to see data outside the viewer's scope (once a minute per kind). */
	refusals: Pick<RefusalAudit, 'record'>;
	/** Marks sessions with open sockets as in use (they are watching, not idle). */
	touchSessions: (sessionIds: string[]) => Promise<void>;
	/** The public origin; when unset, a browser's Origin must match the Host it connected to. */
	allowedOrigin?: string;
	/** How often open sockets are checked against their session's absolute expiry. */
	sessionSweepMs?: number;
	/** Counts what is sent, once per emit (metrics). */
	meter?: RealtimeMeter;
	/** Sockets per sign-in and wall token, handshakes per address. */
	limits: SocketLimits;
	/** How the handshake's client address is read (behind a proxy: a header). */
	clientAddress: ClientAddressRule;
	/** Alerts a socket lists and acknowledges (realtime/alerts.ts). */
	alerts: Pick<AlertStore, 'recent' | 'get' | 'acknowledge'>;
	/** Audits acknowledgements. */
	audit: Pick<Audit, 'record'>;
}

export interface Realtime {
	io: RealtimeServer;
	/** Disconnects the sockets of matching viewers (signed out, disabled, token revoked). */
	endSessions(match: (viewer: Viewer) => boolean, reason: string): Promise<number>;
	/** Re-resolves matching viewers (e.g. changed queue assignment) and makes them resubscribe. */
	refreshViewers(match: (viewer: Viewer) => boolean): Promise<number>;
	close(): Promise<void>;
}
