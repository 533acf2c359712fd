import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import type { Logger } from '../log';

/**
 * Our own schema in the dashboard database (never in pbxlogs). Versioned and append-only:
 * add a new entry, never edit an applied one. Applied under a named lock so several nodes
 * starting together migrate once.
 */
const MIGRATIONS: { version: number; name: string; sql: string[] }[] = [
	{
		version: 1,
		name: 'users, sessions, wall tokens, audit',
		sql: [
			`CREATE TABLE users (
				id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				username VARCHAR(64) NOT NULL,
				display_name VARCHAR(128) NOT NULL,
				password_hash VARCHAR(255) NOT NULL,
				role ENUM('platform_admin','cc_admin','cc_supervisor') NOT NULL,
				tenant_id INT UNSIGNED NULL,
				permissions SET('cdr','interactions') NOT NULL DEFAULT 'interactions',
				disabled TINYINT(1) NOT NULL DEFAULT 0,
				created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
				UNIQUE KEY uq_users_username (username)
			) ENGINE=InnoDB`,
			`CREATE TABLE user_queues (
				user_id INT UNSIGNED NOT NULL,
				queue_id INT UNSIGNED NOT NULL,
				PRIMARY KEY (user_id, queue_id),
				CONSTRAINT fk_user_queues_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
			) ENGINE=InnoDB`,
			`CREATE TABLE sessions (
				id CHAR(64) NOT NULL PRIMARY KEY,
				user_id INT UNSIGNED NOT NULL,
				created_at DATETIME(3) NOT NULL,
				last_seen_at DATETIME(3) NOT NULL,
				expires_at DATETIME(3) NOT NULL,
				ip VARCHAR(64) NULL,
				user_agent VARCHAR(255) NULL,
				KEY ix_sessions_user (user_id),
				CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
			) ENGINE=InnoDB`,
			`CREATE TABLE wall_tokens (
				id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				token_hash CHAR(64) NOT NULL,
				label VARCHAR(128) NOT NULL,
				tenant_id INT UNSIGNED NOT NULL,
				queue_ids JSON NULL,
				created_by INT UNSIGNED NULL,
				created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				revoked_at DATETIME(3) NULL,
				UNIQUE KEY uq_wall_tokens_hash (token_hash)
			) ENGINE=InnoDB`,
			`CREATE TABLE audit_log (
				id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				action VARCHAR(48) NOT NULL,
				user_id INT UNSIGNED NULL,
				wall_token_id INT UNSIGNED NULL,
				actor VARCHAR(64) NULL,
				tenant_id INT UNSIGNED NULL,
				subject VARCHAR(64) NULL,
				detail VARCHAR(1024) NULL,
				ip VARCHAR(64) NULL,
				KEY ix_audit_at (at),
				KEY ix_audit_action_at (action, at)
			) ENGINE=InnoDB`,
			`CREATE TABLE login_throttle (
				throttle_key VARCHAR(160) NOT NULL PRIMARY KEY,
				failures INT UNSIGNED NOT NULL,
				window_started_at DATETIME(3) NOT NULL,
				locked_until DATETIME(3) NULL
			) ENGINE=InnoDB`
		]
	},
	{
		version: 2,
		name: 'per-queue wall thresholds',
		sql: [
			`CREATE TABLE IF NOT EXISTS queue_thresholds (
				tenant_id INT UNSIGNED NOT NULL,
				queue_id INT UNSIGNED NOT NULL,
				wait_amber_seconds INT UNSIGNED NOT NULL,
				wait_red_seconds INT UNSIGNED NOT NULL,
				talk_amber_seconds INT UNSIGNED NOT NULL,
				talk_red_seconds INT UNSIGNED NOT NULL,
				acw_amber_seconds INT UNSIGNED NOT NULL,
				acw_red_seconds INT UNSIGNED NOT NULL,
				service_level_seconds INT UNSIGNED NOT NULL,
				service_level_target_pct TINYINT UNSIGNED NOT NULL,
				updated_by INT UNSIGNED NULL,
				updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
				PRIMARY KEY (tenant_id, queue_id)
			) ENGINE=InnoDB`
		]
	},
	{
		version: 3,
		name: 'utf8mb4 with exact (binary) comparison',
		// Tables were created in the server's default character set (latin1_swedish_ci on a stock
		// MariaDB): a user name outside Latin-1 failed with "Illegal mix of collations", and the
		// accent-insensitive comparison let `supervisór` sign in as `supervisor`. CONVERT rewrites
		// the existing rows; user names are compared byte for byte from now on, after the one
		// normalisation (normalizeUsername) on the way in.
		sql: [
			'ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
			...[
				'schema_migrations',
				'users',
				'user_queues',
				'sessions',
				'wall_tokens',
				'audit_log',
				'login_throttle',
				'queue_thresholds'
			].map((table) => `ALTER TABLE ${table} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
		]
	},
	{
		version: 4,
		name: 'wall tokens: when last used',
		// The Administrators page shows it, so a forgotten screen's token can be told from a live one.
		sql: ['ALTER TABLE wall_tokens ADD COLUMN last_used_at DATETIME(3) NULL AFTER created_at']
	},
	{
		version: 5,
		name: 'alert rules, alerts, the alert fence',
		// One `alerts` row per breach. `open` is 1 while the breach lasts and NULL once cleared, so
		// the UNIQUE key allows any number of past breaches of a rule, queue and subject but only
		// one open one: a new leader that evaluates a breach the old one already wrote meets the
		// key and continues that row instead of opening another (see server/alerts/store.ts).
		// `alert_fence` holds the newest evaluator's claim: every write checks it under a row lock.
		sql: [
			`CREATE TABLE IF NOT EXISTS alert_rules (
				id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				tenant_id INT UNSIGNED NOT NULL,
				queue_id INT UNSIGNED NULL,
				metric VARCHAR(24) NOT NULL,
				level ENUM('warning','critical') NOT NULL,
				threshold DOUBLE NOT NULL,
				min_duration_seconds INT UNSIGNED NOT NULL,
				clear_threshold DOUBLE NOT NULL,
				clear_duration_seconds INT UNSIGNED NOT NULL,
				channels SET('screens','walls','webhook','email') NOT NULL DEFAULT 'screens,walls',
				enabled TINYINT(1) NOT NULL DEFAULT 1,
				updated_by INT UNSIGNED NULL,
				created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
				KEY ix_alert_rules_tenant (tenant_id, queue_id)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
			`CREATE TABLE IF NOT EXISTS alerts (
				id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				tenant_id INT UNSIGNED NOT NULL,
				queue_id INT UNSIGNED NOT NULL,
				rule_id INT UNSIGNED NOT NULL,
				subject VARCHAR(64) NOT NULL DEFAULT '',
				open TINYINT(1) NULL DEFAULT 1,
				metric VARCHAR(24) NOT NULL,
				level ENUM('warning','critical') NOT NULL,
				channels SET('screens','walls','webhook','email') NOT NULL,
				summary VARCHAR(255) NOT NULL,
				value DOUBLE NOT NULL,
				threshold DOUBLE NOT NULL,
				fired_at DATETIME(3) NOT NULL,
				fired_fence BIGINT NOT NULL,
				cleared_at DATETIME(3) NULL,
				clear_value DOUBLE NULL,
				cleared_fence BIGINT NULL,
				acknowledged_at DATETIME(3) NULL,
				acknowledged_by INT UNSIGNED NULL,
				acknowledged_by_name VARCHAR(128) NULL,
				UNIQUE KEY uq_alerts_open (rule_id, queue_id, subject, open),
				KEY ix_alerts_tenant_fired (tenant_id, fired_at),
				KEY ix_alerts_open (open)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
			`CREATE TABLE IF NOT EXISTS alert_fence (
				id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
				token BIGINT NOT NULL,
				claim CHAR(36) NOT NULL,
				node_id VARCHAR(64) NOT NULL,
				claimed_at DATETIME(3) NOT NULL
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
			"INSERT IGNORE INTO alert_fence (id, token, claim, node_id, claimed_at) VALUES (1, 0, '', '', CURRENT_TIMESTAMP(3))"
		]
	},
	{
		version: 6,
		name: 'alert channels: webhooks, email recipients, the delivery outbox',
		// The outbox is written in the same transaction as the alert it tells of (issue 23), so a
		// breach is delivered once: a row per (alert, transition, channel, target) — a new leader
		// that writes the same transition again inserts nothing (INSERT IGNORE on uq_delivery).
		// `claim` is the alert_fence claim (migration 5) of the node that claimed the row: rows are
		// claimed under that fence's row lock, so a stalled old leader's claim is refused, and every
		// later write of a row names the claim, so its late writes change nothing.
		sql: [
			`CREATE TABLE IF NOT EXISTS alert_webhooks (
				id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				tenant_id INT UNSIGNED NOT NULL,
				url VARCHAR(2048) NOT NULL,
				secret VARCHAR(128) NOT NULL,
				enabled TINYINT(1) NOT NULL DEFAULT 1,
				created_by INT UNSIGNED NULL,
				created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				KEY ix_alert_webhooks_tenant (tenant_id)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
			`CREATE TABLE IF NOT EXISTS alert_email_recipients (
				tenant_id INT UNSIGNED NOT NULL,
				address VARCHAR(254) NOT NULL,
				created_by INT UNSIGNED NULL,
				created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				PRIMARY KEY (tenant_id, address)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
			`CREATE TABLE IF NOT EXISTS alert_deliveries (
				id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
				tenant_id INT UNSIGNED NOT NULL,
				alert_id BIGINT UNSIGNED NOT NULL,
				transition ENUM('fired','cleared') NOT NULL,
				channel ENUM('webhook','email') NOT NULL,
				target_key VARCHAR(254) NOT NULL,
				target VARCHAR(2048) NOT NULL,
				payload MEDIUMTEXT NOT NULL,
				status ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
				attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
				next_attempt_at DATETIME(3) NOT NULL,
				claimed_until DATETIME(3) NULL,
				claim CHAR(36) NULL,
				last_error VARCHAR(512) NULL,
				created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				sent_at DATETIME(3) NULL,
				UNIQUE KEY uq_delivery (alert_id, transition, channel, target_key),
				KEY ix_deliveries_due (status, next_attempt_at),
				KEY ix_deliveries_tenant (tenant_id, created_at)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
		]
	},
	{
		version: 7,
		name: 'wall tokens: chime on alerts',
		// Issue 23: a wall plays a chime when an alert fires if its token says so. Off for the
		// screens that exist: a sound in a room is the admin's choice, never a surprise.
		sql: ['ALTER TABLE wall_tokens ADD COLUMN chime TINYINT(1) NOT NULL DEFAULT 0 AFTER queue_ids']
	},
	{
		version: 8,
		name: 'range rollups: 15-minute slots, local days, agents per local day',
		// Issue 24: a past range's picture reads these instead of closed_interactions' rows (see
		// src/lib/server/rollups/). No agent in the first two: at most queues × channels rows a slot
		// or a day, whatever the volume. Sums are those of $lib/queues/measures; `waits` is the
		// answered waits' histogram as "seconds:count" pairs (exact p90, and within goal counted
		// against each queue's goal when read); `hours` the offered count per local hour ("h:n").
		// Days are the tenant's local dates (23 or 25 hours on DST days). The agents' within-goal
		// count is against `goal_seconds`, the queue's goal when rolled up: a changed goal makes
		// those days stale (re-rolled; read from the rows meanwhile). queue_key is queue_id with 0
		// for none (a key cannot hold NULL); queue_id keeps the NULL for scopeSql. The *_done
		// tables list the slots and days rolled up (an empty one too): what is not listed is read
		// from the rows.
		sql: [
			`CREATE TABLE IF NOT EXISTS range_rollup_slots (
				tenant_id INT UNSIGNED NOT NULL,
				slot_start DATETIME NOT NULL,
				queue_key INT UNSIGNED NOT NULL,
				channel VARCHAR(16) NOT NULL,
				queue_id INT UNSIGNED NULL,
				offered INT UNSIGNED NOT NULL,
				answered INT UNSIGNED NOT NULL,
				abandoned INT UNSIGNED NOT NULL,
				wait_sum_seconds BIGINT UNSIGNED NOT NULL,
				handled INT UNSIGNED NOT NULL,
				talk_sum_seconds BIGINT UNSIGNED NOT NULL,
				acw_sum_seconds BIGINT UNSIGNED NOT NULL,
				waits MEDIUMTEXT NULL,
				PRIMARY KEY (tenant_id, slot_start, queue_key, channel)
			) ENGINE=InnoDB`,
			`CREATE TABLE IF NOT EXISTS range_rollup_days (
				tenant_id INT UNSIGNED NOT NULL,
				day DATE NOT NULL,
				queue_key INT UNSIGNED NOT NULL,
				channel VARCHAR(16) NOT NULL,
				queue_id INT UNSIGNED NULL,
				offered INT UNSIGNED NOT NULL,
				answered INT UNSIGNED NOT NULL,
				abandoned INT UNSIGNED NOT NULL,
				wait_sum_seconds BIGINT UNSIGNED NOT NULL,
				handled INT UNSIGNED NOT NULL,
				talk_sum_seconds BIGINT UNSIGNED NOT NULL,
				acw_sum_seconds BIGINT UNSIGNED NOT NULL,
				waits MEDIUMTEXT NULL,
				hours VARCHAR(512) NULL,
				PRIMARY KEY (tenant_id, day, queue_key, channel)
			) ENGINE=InnoDB`,
			`CREATE TABLE IF NOT EXISTS range_rollup_agents (
				tenant_id INT UNSIGNED NOT NULL,
				day DATE NOT NULL,
				queue_key INT UNSIGNED NOT NULL,
				channel VARCHAR(16) NOT NULL,
				agent_id INT UNSIGNED NOT NULL,
				queue_id INT UNSIGNED NULL,
				offered INT UNSIGNED NOT NULL,
				answered INT UNSIGNED NOT NULL,
				abandoned INT UNSIGNED NOT NULL,
				wait_sum_seconds BIGINT UNSIGNED NOT NULL,
				handled INT UNSIGNED NOT NULL,
				talk_sum_seconds BIGINT UNSIGNED NOT NULL,
				acw_sum_seconds BIGINT UNSIGNED NOT NULL,
				answered_within_goal INT UNSIGNED NOT NULL,
				goal_seconds INT UNSIGNED NOT NULL,
				PRIMARY KEY (tenant_id, day, queue_key, channel, agent_id)
			) ENGINE=InnoDB`,
			`CREATE TABLE IF NOT EXISTS range_rollup_slots_done (
				tenant_id INT UNSIGNED NOT NULL,
				slot_start DATETIME NOT NULL,
				rolled_at DATETIME(3) NOT NULL,
				PRIMARY KEY (tenant_id, slot_start)
			) ENGINE=InnoDB`,
			`CREATE TABLE IF NOT EXISTS range_rollup_days_done (
				tenant_id INT UNSIGNED NOT NULL,
				day DATE NOT NULL,
				rolled_at DATETIME(3) NOT NULL,
				PRIMARY KEY (tenant_id, day)
			) ENGINE=InnoDB`
		]
	},
	{
		version: 14,
		name: 'sessions: the tenant a platform admin last chose',
		// Issue 26: a platform admin's tenant follows it from page to page (and to a new tab),
		// not only through links that remember to carry ?tenant=. A preference, never a grant:
		// scope is still decided per request from the account's role.
		sql: ['ALTER TABLE sessions ADD COLUMN IF NOT EXISTS chosen_tenant_id INT UNSIGNED NULL']
	}
];

/** Brings the schema up to the newest version (or to `target`, for tests of a migration). */
export async function migrate(pool: Pool, log: Logger, target = Infinity): Promise<void> {
	const conn = await pool.getConnection();
	try {
		const [[lock]] = await conn.query<RowDataPacket[]>(
			"SELECT GET_LOCK('interactions_live_migrate', 60) AS ok"
		);
		if (Number(lock.ok) !== 1) throw new Error('Timed out waiting for the migration lock');
		try {
			await applyPending(conn, log, target);
		} finally {
			await conn.query("SELECT RELEASE_LOCK('interactions_live_migrate')");
		}
	} finally {
		conn.release();
	}
}

async function applyPending(conn: Connection, log: Logger, target: number): Promise<void> {
	await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INT UNSIGNED NOT NULL PRIMARY KEY,
		name VARCHAR(128) NOT NULL,
		applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
	) ENGINE=InnoDB`);
	const [rows] = await conn.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
	const applied = new Set(rows.map((row) => Number(row.version)));
	for (const migration of MIGRATIONS) {
		if (applied.has(migration.version) || migration.version > target) continue;
		// DDL commits implicitly in MariaDB; each statement is written to be re-runnable by hand.
		for (const statement of migration.sql) await conn.query(statement);
		await conn.query('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [
			migration.version,
			migration.name
		]);
		log.info('dashboard migration applied', { version: migration.version, name: migration.name });
	}
}
