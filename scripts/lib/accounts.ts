import { loadConfig } from '../../src/lib/server/config';
import { createPool } from '../../src/lib/server/db';
import { migrate } from '../../src/lib/server/dashboard/migrations';
import { Users, type UserInput, type UserRecord } from '../../src/lib/server/auth/users';
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
	const log = createLogger('warn');
	const pbx = createPool(config.pbx, 2);
	const dashboard = createPool(config.dashboard, 2);
	try {
		await migrate(dashboard, log);
		const lookups = new Lookups();
		await lookups.load(pbx);
		return await work(new Users(dashboard, lookups));
	} finally {
		await Promise.all([pbx.end(), dashboard.end()]);
	}
}

/** Creates the account, or updates it (password included) when the user name exists. */
export async function upsertAccount(users: Users, input: UserInput): Promise<UserRecord> {
	const existing = (await users.list()).find((u) => u.username === input.username.toLowerCase());
	const id = existing ? existing.id : await users.create(input);
	if (existing) await users.update(existing.id, input);
	const record = await users.get(id);
	if (!record) throw new Error(`user ${input.username} vanished`);
	return record;
}
