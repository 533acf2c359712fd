import type { LogEntry } from '../changelog';
import type { RealtimeServer } from './types';

/**
 * What the realtime server reports as it works, for the metrics. Called once per emit (with the
 * receivers the rooms had), never per socket: the fan-out stays as cheap as it was.
 */

export type SentEvent = 'live:changes' | 'live:heartbeat';
export type SubscribeAnswer = 'replay' | 'snapshot' | 'refused' | 'failed';

export interface RealtimeMeter {
	sent(event: SentEvent, payload: unknown, receivers: number): void;
	subscribed(answer: SubscribeAnswer): void;
	/** A log entry's changes were emitted: commit → emit latency. */
	emitted(entry: LogEntry): void;
}

/** Tenant and role of every open socket: bounded labels for the open-sockets gauge. */
export function* socketLabels(io: RealtimeServer): Iterable<{ tenant: string; role: string }> {
	for (const socket of io.of('/').sockets.values()) {
		const viewer = socket.data?.viewer;
		if (!viewer) continue;
		const tenant = socket.data.scope?.tenantId ?? viewer.tenantId;
		yield {
			tenant: tenant === null ? 'none' : String(tenant),
			role: viewer.kind === 'wall' ? 'wall' : viewer.role
		};
	}
}
