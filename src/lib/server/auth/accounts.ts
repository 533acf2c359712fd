import type { Audit } from '../audit';
import type { AccessChange } from '../changelog/types';
import type { Manager, Viewer } from '../scope';
import type { Sessions } from './sessions';
import type { Users } from './users';
import type { WallTokens } from './wall';

/**
 * Changes to who may see what, made by a person (the Administrators page, signing out): one
 * method per action, each writing the change, auditing it and announcing it. Announcing ends or
 * re-checks open sockets at once, on every node; a route that forgot it would leave them to
 * the dashboard binlog's timing, so routes make these changes only through here.
 */

export interface AccountsDeps {
	users: Pick<Users, 'create' | 'update'>;
	wallTokens: Pick<WallTokens, 'create' | 'revoke'>;
	sessions: Pick<Sessions, 'destroy'>;
	audit: Pick<Audit, 'record'>;
	/** Resolves once this node's affected sockets have followed (see App.accessChanged). */
	announce: (change: AccessChange) => Promise<void>;
}

export interface NewWallToken {
	label: string;
	tenantId: number;
	queueIds: number[] | 'all';
	chime: boolean;
}

export class Accounts {
	constructor(private readonly deps: AccountsDeps) {}

	/** A new account: no socket is open with it yet, so nothing to announce. */
	async createUser(manager: Manager, input: unknown): Promise<number> {
		const id = await this.deps.users.create(input);
		await this.deps.audit.record({
			action: 'user_created',
			viewer: manager,
			subject: `user:${id}`
		});
		return id;
	}

	/** Changing one's own password keeps the session doing it; every other one ends. */
	async updateUser(manager: Manager, id: number, input: unknown): Promise<void> {
		await this.deps.users.update(id, input, { keepSessionId: manager.sessionId });
		await this.deps.audit.record({
			action: 'user_updated',
			viewer: manager,
			subject: `user:${id}`
		});
		await this.deps.announce({ kind: 'user', userId: id });
	}

	async createWallToken(
		manager: Manager,
		token: NewWallToken
	): Promise<{ id: number; token: string }> {
		const created = await this.deps.wallTokens.create({ ...token, createdBy: manager.userId });
		await this.deps.audit.record({
			action: 'wall_token_created',
			viewer: manager,
			tenantId: token.tenantId,
			subject: `wall:${created.id}`
		});
		return created;
	}

	/** Revokes a token of `tenantId` (null: any tenant); false when there was none to revoke. */
	async revokeWallToken(manager: Manager, id: number, tenantId: number | null): Promise<boolean> {
		if (!(await this.deps.wallTokens.revoke(id, tenantId))) return false;
		await this.deps.audit.record({
			action: 'wall_token_revoked',
			viewer: manager,
			subject: `wall:${id}`
		});
		await this.deps.announce({ kind: 'wall-token', tokenId: id, ended: true });
		return true;
	}

	/**
	 * Ends the session of a cookie. Sockets opened with it follow within seconds, without a page
	 * reload; a cookie whose session had already ended has nobody to audit or announce.
	 */
	async signOut(token: string | undefined, viewer: Viewer | null): Promise<void> {
		if (token) await this.deps.sessions.destroy(token);
		if (viewer?.kind !== 'user') return;
		await this.deps.audit.record({ action: 'sign_out', viewer });
		await this.deps.announce({ kind: 'session-ended', sessionId: viewer.sessionId });
	}
}
