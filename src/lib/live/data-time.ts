/**
 * The time live data is true at. While the data is current that is now; once it is not (the
 * link dropped, the server went silent, access ended), it is the moment the server was last
 * heard from, so timers stop there instead of ticking on as if the rows were current. Every
 * screen (the interactions page, its stale notice, the wall's figures) asks here.
 */

export interface DataClock {
	/** Whether the screen counts its data as current (each screen says when it stops). */
	current: boolean;
	/** Browser ms of the last message from the server; 0 = never. */
	lastHeardAt: number;
	/** Browser clock minus server clock. */
	clockSkewMs: number;
}

/**
 * Server time the data stopped being current: the last word from the server. Null while it is
 * current, or before the server was ever heard from (nothing older to stop at).
 */
export function currentUntil({ current, lastHeardAt, clockSkewMs }: DataClock): number | null {
	return current || lastHeardAt === 0 ? null : lastHeardAt - clockSkewMs;
}

/**
 * Server time the data is true at: `serverNow` while current; once not, fixed at currentUntil
 * from the first moment it is not, whatever `serverNow` says after (a board's clock may tick
 * before or after that moment).
 */
export function dataTime(clock: DataClock & { serverNow: number }): number {
	return currentUntil(clock) ?? clock.serverNow;
}
