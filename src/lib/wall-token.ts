/** A wall-display token as the admin page lists it (never the token itself: only its hash is kept). */
export interface WallTokenInfo {
	id: number;
	label: string;
	tenantId: number;
	queueIds: number[] | 'all';
	/** The screen plays a chime when an alert fires (issue 23). */
	chime: boolean;
	createdAt: string;
	/** Last page load, refresh or socket handshake with it, to the minute; null: never used. */
	lastUsedAt: string | null;
	revokedAt: string | null;
}
