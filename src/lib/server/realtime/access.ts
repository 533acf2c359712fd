import type { AccessSource } from '../events';
import type { AccessChange } from '../changelog/types';
import type { Logger } from '../log';
import type { Viewer } from '../scope';
import type { Realtime } from './types';
import { ACCESS_ENDED_REASON } from './viewers';

/**
 * What an access change does to this node's open sockets: a session that ended, a user
 * disabled or a token revoked ends them; any other change re-checks their viewers.
 */

/** When an access change read from the binlog or another node is checked a second time. */
export const ACCESS_RECHECK_AGAIN_MS = 1_000;

type SocketsOfViewers = Pick<Realtime, 'endSessions' | 'refreshViewers'>;

/**
 * The `access.changed` handler. An admin action on this node is awaited (its caller answers
 * once this node's sockets have followed, and errors reach it); a change read from the binlog
 * or heard from another node is applied in the background, and once more a second later.
 */
export function accessHandler(sockets: SocketsOfViewers, log: Logger) {
	return (change: AccessChange, source: AccessSource): Promise<void> | void => {
		if (source === 'action') return applyAccess(sockets, change);
		const apply = () =>
			applyAccess(sockets, change).catch((error: unknown) => {
				log.error('could not apply an access change', { error });
			});
		void apply();
		// MariaDB writes a commit to the binlog before the engine makes it visible, so the re-check
		// can read the access as it was: look once more when the commit has surely landed.
		if (change.kind !== 'session-ended' && !change.ended) {
			setTimeout(() => void apply(), ACCESS_RECHECK_AGAIN_MS).unref();
		}
	};
}

/** Ends or re-checks the sockets that an access change touches. */
async function applyAccess(sockets: SocketsOfViewers, change: AccessChange): Promise<void> {
	if (change.kind === 'session-ended') {
		await sockets.endSessions(
			(v) => v.kind === 'user' && v.sessionId === change.sessionId,
			'Signed out'
		);
		return;
	}
	const match =
		change.kind === 'user'
			? (v: Viewer) => v.kind === 'user' && v.userId === change.userId
			: (v: Viewer) => v.kind === 'wall' && v.tokenId === change.tokenId;
	if (change.ended) await sockets.endSessions(match, ACCESS_ENDED_REASON);
	else await sockets.refreshViewers(match);
}
