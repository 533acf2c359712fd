import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Audit } from '../audit';
import type { Viewer } from '../scope';
import { decoyHash, hashPassword, needsRehash, verifyPassword, type ScryptCost } from './password';
import { Sessions, type SessionPolicy } from './sessions';
import { LoginThrottle, type ThrottlePolicy } from './throttle';
import { normalizeUsername } from './users';
import { parseCookies, SESSION_COOKIE, WALL_COOKIE } from './tokens';
import { WallTokens } from './wall';

export { SESSION_COOKIE, WALL_COOKIE } from './tokens';

export type SignInResult =
	{ ok: true; token: string } | { ok: false; error: string; retryAfterSeconds?: number };

/** Sign-in, sessions and wall tokens: who a request or a socket is. */
export class Auth {
	readonly sessions: Sessions;
	readonly throttle: LoginThrottle;
	readonly wallTokens: WallTokens;

	constructor(
		private readonly pool: Pool,
		private readonly audit: Audit,
		sessionPolicy: SessionPolicy,
		private readonly passwordCost: ScryptCost,
		throttlePolicy?: ThrottlePolicy
	) {
		this.sessions = new Sessions(pool, sessionPolicy);
		this.throttle = new LoginThrottle(pool, throttlePolicy);
		this.wallTokens = new WallTokens(pool);
	}

	/**
	 * One message for a wrong user name and a wrong password, and the same work for both (a decoy
	 * hash is checked), so sign-in reveals nothing about which accounts exist.
	 */
	async signIn(
		username: string,
		password: string,
		ip: string | null,
		userAgent: string | null
	): Promise<SignInResult> {
		const name = normalizeUsername(username);
		const userKey = `user:${name}`;
		const ipKey = `ip:${ip ?? 'unknown'}`;
		// The reservation counts this attempt before the password is checked: of many parallel
		// attempts, only as many as the policy allows are ever evaluated.
		const lockedMs = await this.throttle.reserve([userKey, ipKey]);
		if (lockedMs > 0) {
			const retryAfterSeconds = Math.ceil(lockedMs / 1000);
			await this.audit.record({
				action: 'sign_in_failed',
				actor: name,
				detail: 'throttled',
				ip
			});
			return {
				ok: false,
				error: `Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
				retryAfterSeconds
			};
		}
		const [rows] = await this.pool.query<RowDataPacket[]>(
			'SELECT id, username, password_hash, disabled FROM users WHERE username = ?',
			[name]
		);
		const user = rows[0];
		const stored = user ? String(user.password_hash) : await decoyHash(this.passwordCost);
		const valid = await verifyPassword(password, stored);
		if (!user || !valid || Number(user.disabled) === 1) {
			await this.audit.record({ action: 'sign_in_failed', actor: name, ip });
			return { ok: false, error: 'Wrong user name or password.' };
		}
		if (needsRehash(stored, this.passwordCost))
			await this.#rehash(Number(user.id), stored, password);
		await this.throttle.clear([userKey]);
		await this.throttle.release([ipKey]);
		const token = await this.sessions.create(Number(user.id), ip, userAgent);
		// The stored name, not the spelling typed: the audit names the account that signed in.
		await this.audit.record({ action: 'sign_in', actor: String(user.username), ip });
		return { ok: true, token };
	}

	/**
	 * Replaces a hash made at a lower cost, now that the password is known to be right. Only if
	 * it is still the one checked: a password changed meanwhile is not overwritten.
	 */
	async #rehash(userId: number, stored: string, password: string): Promise<void> {
		const upgraded = await hashPassword(password, this.passwordCost);
		await this.pool.query('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?', [
			upgraded,
			userId,
			stored
		]);
	}

	/** The viewer of an HTTP request or socket handshake: a session cookie, else a wall token. */
	async viewerFrom(
		headers: Record<string, string | string[] | undefined>,
		handshakeAuth?: unknown
	): Promise<Viewer | null> {
		const cookies = parseCookies(headers.cookie);
		const session = cookies.get(SESSION_COOKIE);
		if (session) {
			const viewer = await this.sessions.resolve(session);
			if (viewer) return viewer;
		}
		const wall =
			cookies.get(WALL_COOKIE) ??
			(typeof handshakeAuth === 'object' && handshakeAuth !== null
				? (handshakeAuth as { wallToken?: unknown }).wallToken
				: undefined);
		return typeof wall === 'string' ? this.wallTokens.resolve(wall) : null;
	}
}
