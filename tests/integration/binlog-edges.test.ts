import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/lib/server/app';
import { databaseView, lifecycleBurst } from '../support/burst';
import { TestClient } from '../support/client';
import { PbxSql } from '../support/pbx';
import { Stack, waitFor } from '../support/stack';

/**
 * The binlog's edge cases: a purged checkpoint is a loud resnapshot, vendor columns are
 * ignored, and a server that cannot give live data is refused with the fix spelled out.
 */

let stack: Stack;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	await stack.start();
});

afterAll(async () => {
	await stack?.destroy();
});

describe('binlog edge cases', () => {
	it('turns a purged checkpoint into a loud resnapshot that every screen follows', async () => {
		const tenant = stack.lookups.tenants[0];
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const client = new TestClient(stack.socket(cookie));
		await waitFor(() => client.ready, 10_000, 'subscription');
		const epochBefore = stack.app.live.changeLog.epoch;
		const errors: string[] = [];
		const originalError = console.error;
		console.error = (...args: unknown[]) => errors.push(args.join(' '));
		try {
			await stack.app.live.supervisor.stop();
			// While the tailer is down, changes land in a binlog file that is then purged.
			await lifecycleBurst(stack, tenant, { interactions: 20, firstId: 600_000 });
			await new PbxSql(stack.admin, stack.pbxDb).insertNew({
				id: 600_100,
				tenantId: tenant.id,
				queueId: tenant.queues[0].id
			});
			// MariaDB keeps a binlog until InnoDB has checkpointed it: flush and retry the purge.
			const checkpointFile = (await stack.app.live.changeLog.checkpoint())?.filename;
			await waitFor(
				async () => {
					await stack.pbx('FLUSH BINARY LOGS');
					const [{ File: current }] = await stack.pbxRows<{ File: string }>('SHOW MASTER STATUS');
					await stack.pbx(`PURGE BINARY LOGS TO '${current}'`);
					const logs = await stack.pbxRows<{ Log_name: string }>('SHOW BINARY LOGS');
					return !logs.some((log) => log.Log_name === checkpointFile);
				},
				15_000,
				'the purge'
			);
			stack.app.live.supervisor.start();
			await waitFor(() => stack.app.live.changeLog.epoch !== epochBefore, 20_000, 'a resnapshot');
		} finally {
			console.error = originalError;
		}
		expect(errors.join('\n')).toContain('BINLOG POSITION LOST');
		await waitFor(
			() => client.epoch === stack.app.live.changeLog.epoch && client.ready,
			10_000,
			'the client to resync'
		);
		expect(client.snapshots).toBeGreaterThanOrEqual(2);
		const expected = await databaseView(stack, tenant);
		expect(client.statuses()).toEqual(expected);
		expect(client.statuses().get('600100')).toBe('new');
		// And the stream goes on after the resnapshot.
		await new PbxSql(stack.admin, stack.pbxDb).answer(600_100, tenant.agents[0].id);
		await waitFor(() => client.rows.get('600100')?.status === 'active', 10_000, 'the next change');
	});

	it('ignores extra vendor columns in the PBX tables', async () => {
		const tenant = stack.lookups.tenants[1];
		await stack.pbx('ALTER TABLE active_interactions ADD COLUMN legacy_client_id INT NULL FIRST');
		await stack.pbx('ALTER TABLE closed_interactions ADD COLUMN vendor_blob JSON NULL');
		const { cookie } = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
		const client = new TestClient(stack.socket(cookie));
		await waitFor(() => client.ready, 10_000, 'subscription');
		await stack.pbx(
			`INSERT INTO active_interactions (legacy_client_id, id, uniqueid, tenant_id, queue_id, channel, created_at)
			 VALUES (77, 610001, 'legacy', ?, ?, 'chat', UTC_TIMESTAMP(3))`,
			[tenant.id, tenant.queues[0].id]
		);
		await new PbxSql(stack.admin, stack.pbxDb).answer(610_001, tenant.agents[0].id);
		await waitFor(() => client.rows.get('610001')?.status === 'active', 10_000, 'the row');
		const row = client.rows.get('610001');
		expect(row?.channel).toBe('chat');
		expect(row?.queueName).toBe(tenant.queues[0].name);
		expect(Object.keys(row ?? {})).not.toContain('legacy_client_id');
		expect(stack.app.live.supervisor.status).toBe('streaming');
	});

	it('refuses to start on a server without ROW binlogs, saying what to change', async () => {
		await stack.pbx("SET GLOBAL binlog_format = 'MIXED'");
		try {
			// Global settings apply to new sessions: the app's preflight opens one.
			await expect(createApp(stack.env)).rejects.toThrow(
				/binlog_format is MIXED: set binlog_format=ROW/
			);
		} finally {
			await stack.pbx("SET GLOBAL binlog_format = 'ROW'");
		}
	});

	it('refuses an account without replication grants, naming the GRANT to run', async () => {
		const user = `norepl_${Date.now() % 100000}`;
		await stack.pbx(
			`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'x'; GRANT SELECT ON \`${stack.pbxDb}\`.* TO '${user}'@'127.0.0.1'`
		);
		const port = inject('mariadb').port;
		const env = {
			...stack.env,
			PBX_DATABASE_URL: `mysql://${user}:x@127.0.0.1:${port}/${stack.pbxDb}`
		};
		await expect(createApp(env)).rejects.toThrow(/GRANT REPLICATION SLAVE ON \*\.\* TO/);
		await stack.pbx(`DROP USER '${user}'@'127.0.0.1'`);
	});
});
