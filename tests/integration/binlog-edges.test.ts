import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/lib/server/app';
import { lifecycleBurst } from '../support/burst';
import { subscribedAdmin } from '../support/client';
import { TestPbx } from '../support/pbx';
import { waitFor, type Stack } from '../support/stack';
import { stackForFile } from '../support/file-stack';

/**
 * The binlog's edge cases: a purged checkpoint is a loud resnapshot, vendor columns are
 * ignored, and a server that cannot give live data is refused with the fix spelled out.
 */

let stack: Stack;
stackForFile((ready) => (stack = ready));

describe('binlog edge cases', () => {
	it('turns a purged checkpoint into a loud resnapshot that every screen follows', async () => {
		const tenant = stack.lookups.tenants[0];
		const { client } = await subscribedAdmin(stack, tenant.id);
		const epochBefore = stack.app.live.changeLog.epoch;
		const errors: string[] = [];
		const originalError = console.error;
		console.error = (...args: unknown[]) => errors.push(args.join(' '));
		try {
			await stack.app.live.supervisor.stop();
			// While the tailer is down, changes land in a binlog file that is then purged.
			await lifecycleBurst(stack, tenant, { interactions: 20, firstId: 600_000 });
			await new TestPbx(stack.admin, stack.pbxDb).insertNew({
				id: 600_100,
				tenantId: tenant.id,
				queueId: tenant.queues[0].id
			});
			await stack.purgeCheckpointBinlog();
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
		const expected = await stack.databaseView(tenant);
		expect(client.statuses()).toEqual(expected);
		expect(client.statuses().get('600100')).toBe('new');
		// And the stream goes on after the resnapshot.
		await new TestPbx(stack.admin, stack.pbxDb).answer(600_100, tenant.agents[0].id);
		await waitFor(() => client.rows.get('600100')?.status === 'active', 10_000, 'the next change');
	});

	it('ignores extra vendor columns in the PBX tables', async () => {
		const tenant = stack.lookups.tenants[1];
		await stack.pbx('ALTER TABLE active_interactions ADD COLUMN legacy_client_id INT NULL FIRST');
		await stack.pbx('ALTER TABLE closed_interactions ADD COLUMN vendor_blob JSON NULL');
		const { client } = await subscribedAdmin(stack, tenant.id);
		await stack.pbx(
			`INSERT INTO active_interactions (legacy_client_id, id, uniqueid, tenant_id, queue_id, channel, created_at)
			 VALUES (77, 610001, 'legacy', ?, ?, 'chat', UTC_TIMESTAMP(3))`,
			[tenant.id, tenant.queues[0].id]
		);
		await new TestPbx(stack.admin, stack.pbxDb).answer(610_001, tenant.agents[0].id);
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
