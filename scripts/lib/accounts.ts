import type { RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../../src/lib/server/config';
import { createPool } from '../../src/lib/server/db';
import { migrate } from '../../src/lib/server/dashboard/migrations';
import {
	normalizeUsername,
	Users,
	type UserInput,
	type UserRecord
} from '../../src/lib/server/auth/users';
import { Sessions } from '../../src/lib/server/auth/sessions';
import { SESSION_COOKIE } from '../../src/lib/server/auth/tokens';
import { WallTokens } from '../../src/lib/server/auth/wall';
import { createLogger } from '../../src/lib/server/log';
import { Lookups } from '../../src/lib/server/lookups';

/**
 * Account management outside the running server (first admin of a new install, demo and test
 * users), through the same Users class and validation as the Administrators page.
 */
export async function withUsers<T>(
	env: Record<string, string | undefined>,
	work: (users: Users) => Promise<T>
): Promise<T> {
	const config = loadConfig(env);
	const log = createLogger({ level: 'warn', format: config.logFormat });
	const pbx = createPool(config.pbx, 2);
	const dashboard = createPool(config.dashboard, 2);
	try {
		await migrate(dashboard, log);
		const lookups = new Lookups();
		await lookups.load(pbx);
		return await work(new Users(dashboard, lookups, config.passwordCost));
	} finally {
		await Promise.all([pbx.end(), dashboard.end()]);
	}
}

/**
 * `count` sessions of one account, made as a sign-in makes them, as Cookie header values: load
 * that stands for many browsers gives each its own sign-in (a sign-in may only have a few
 * sockets open), without paying a password hash for each.
 */
export async function mintSessions(
	env: Record<string, string | undefined>,
	username: string,
	count: number
): Promise<string[]> {
	const config = loadConfig(env);
	const dashboard = createPool(config.dashboard, 2);
	try {
		const sessions = new Sessions(dashboard, {
			idleMs: config.sessionIdleMs,
			absoluteMs: config.sessionMaxMs
		});
		const [rows] = await dashboard.query<RowDataPacket[]>(
			'SELECT id FROM users WHERE username = ?',
			[normalizeUsername(username)]
		);
		if (!rows[0]) throw new Error(`no account ${username}`);
		const cookies: string[] = [];
		for (let i = 0; i < count; i++) {
			const token = await sessions.create(Number(rows[0].id), '127.0.0.1', 'load');
			cookies.push(`${SESSION_COOKIE}=${token}`);
		}
		return cookies;
	} finally {
		await dashboard.end();
	}
}

/**
 * Mints a wall-display token for the demo, revoking earlier ones with the same label so
 * repeated demo runs do not pile up live tokens.
 */
export async function mintWallToken(
	env: Record<string, string | undefined>,
	input: { label: string; tenantId: number; queueIds: number[] | 'all'; chime?: boolean }
): Promise<string> {
	const dashboard = createPool(loadConfig(env).dashboard, 1);
	try {
		const tokens = new WallTokens(dashboard);
		for (const token of await tokens.list(input.tenantId)) {
			if (token.label === input.label && !token.revokedAt) await tokens.revoke(token.id, null);
		}
		return (await tokens.create({ ...input, createdBy: 0 })).token;
	} finally {
		await dashboard.end();
	}
}

/** Creates the account, or updates it (password included) when the user name exists. */
export async function upsertAccount(users: Users, input: UserInput): Promise<UserRecord> {
	const name = normalizeUsername(input.username);
	const existing = (await users.list()).find((u) => u.username === name);
	const id = existing ? existing.id : await users.create(input);
	if (existing) await users.update(existing.id, input);
	const record = await users.get(id);
	if (!record) throw new Error(`user ${input.username} vanished`);
	return record;
}
