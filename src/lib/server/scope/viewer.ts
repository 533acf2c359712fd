/** Who is looking: a signed-in user or a wall display token. */

export type Role = 'platform_admin' | 'cc_admin' | 'cc_supervisor';
export const ACCESS_PERMISSIONS = ['cdr', 'interactions'] as const;
export type Permission = (typeof ACCESS_PERMISSIONS)[number];

export type Viewer =
	| {
			kind: 'user';
			userId: number;
			sessionId: string;
			/** Absolute end of the session (epoch ms): open sockets are closed then too. */
			sessionExpiresAt: number;
			username: string;
			displayName: string;
			role: Role;
			/** The user's own tenant; null for platform admins. */
			tenantId: number | null;
			/** Supervisors only: the queues assigned to them. */
			queueIds: readonly number[];
			permissions: readonly Permission[];
			/** The tenant last chosen in this session (platform admins): where pages open. */
			chosenTenantId?: number | null;
	  }
	| {
			kind: 'wall';
			tokenId: number;
			label: string;
			tenantId: number;
			queueIds: readonly number[] | 'all';
	  };

/** Platform admins and Contact Center Admins: the people who manage accounts and thresholds. */
export type Manager = Extract<Viewer, { kind: 'user' }> & { role: 'platform_admin' | 'cc_admin' };

export function isManager(viewer: Viewer | null): viewer is Manager {
	return (
		viewer?.kind === 'user' && (viewer.role === 'platform_admin' || viewer.role === 'cc_admin')
	);
}
