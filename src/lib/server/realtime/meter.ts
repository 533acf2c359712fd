import type { RealtimeServer } from './types';

/**
 * What the metrics read of the open sockets. What the realtime server counts as it works goes
 * through `RealtimeMeter` (types.ts), once per emit, never per socket.
 */

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
