/**
 * Account CLI, e.g. the first admin of a new install:
 *   npm run user -- create --username admin --name "Platform Admin" --role platform_admin --password '…'
 *   npm run user -- create --username sup1 --name "Sam" --role cc_supervisor --tenant 2 --queues 4,5 --password '…'
 *   npm run user -- disable --username sup1
 *   npm run user -- list
 * Reads the same environment as the server (PBX_DATABASE_URL, DASHBOARD_DATABASE_URL), or the
 * demo's .data/demo.env when those are not set.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { normalizeUsername, UserInputError } from '../src/lib/server/auth/users';
import { upsertAccount, withUsers } from './lib/accounts';
import { envWithFile } from './lib/env-file';

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		username: { type: 'string' },
		name: { type: 'string' },
		role: { type: 'string' },
		tenant: { type: 'string' },
		queues: { type: 'string' },
		permissions: { type: 'string', default: 'interactions,cdr' },
		password: { type: 'string' }
	}
});

const env = envWithFile(path.resolve('.data/demo.env'));
const command = positionals[0];

async function main(): Promise<void> {
	await withUsers(env, async (users) => {
		if (command === 'list') {
			for (const u of await users.list()) {
				const scope = u.role === 'cc_supervisor' ? ` queues ${u.queueIds.join(',')}` : '';
				const tenant = u.tenantId === null ? '' : ` tenant ${u.tenantId}`;
				console.log(`${u.username}\t${u.role}${tenant}${scope}${u.disabled ? '\tDISABLED' : ''}`);
			}
			return;
		}
		if (!values.username) throw new UserInputError({ username: '--username is required' });
		if (command === 'disable' || command === 'enable') {
			const name = normalizeUsername(values.username);
			const user = (await users.list()).find((u) => u.username === name);
			if (!user) throw new UserInputError({ username: `no user ${values.username}` });
			await users.update(user.id, { ...user, disabled: command === 'disable' });
			console.log(`${command}d ${user.username}`);
			return;
		}
		if (command !== 'create') {
			throw new UserInputError({ command: 'use one of: create, disable, enable, list' });
		}
		const record = await upsertAccount(users, {
			username: values.username,
			displayName: values.name ?? values.username,
			role: (values.role ?? '') as 'cc_admin',
			tenantId: values.tenant ? Number(values.tenant) : null,
			queueIds: values.queues ? values.queues.split(',').map(Number) : [],
			permissions: values.permissions.split(',') as ('cdr' | 'interactions')[],
			password: values.password
		});
		console.log(`saved ${record.username} (${record.role}, id ${record.id})`);
	});
}

main().catch((error: unknown) => {
	if (error instanceof UserInputError) {
		for (const [field, message] of Object.entries(error.fields))
			console.error(`${field}: ${message}`);
	} else {
		console.error(error instanceof Error ? error.message : error);
	}
	process.exit(1);
});
