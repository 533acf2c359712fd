import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import * as v from 'valibot';
import { withTransaction } from '../db';
import type { Lookups } from '../lookups';
import { ACCESS_PERMISSIONS, type Permission, type Role } from '../scope';
import { hashPassword, type ScryptCost } from './password';

/**
 * Accounts of the dashboard: platform admins, Contact Center Admins and Supervisors. Input is
 * validated whole before anything is written, and a supervisor's queues are written in the
 * same transaction as the account, so a bad form saves nothing.
 */

/**
 * The one spelling of a user name, on create and on sign-in alike: trimmed, lower case, NFC.
 * The database compares names byte for byte (utf8mb4_bin), so two spellings never match.
 */
export function normalizeUsername(name: string): string {
	return name.trim().toLowerCase().normalize('NFC');
}

export const UserInputSchema = v.object({
	username: v.pipe(
		v.string(),
		v.transform(normalizeUsername),
		v.regex(/^[a-z0-9._@-]{3,64}$/, 'User name: 3–64 letters, digits, dots, dashes or @')
	),
	displayName: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Name is required'),
		v.maxLength(128, 'Name: at most 128 characters')
	),
	role: v.picklist(['platform_admin', 'cc_admin', 'cc_supervisor'], 'Choose a role'),
	tenantId: v.nullable(
		v.pipe(
			v.number('Choose the tenant first'),
			v.integer(),
			v.minValue(1, 'Choose the tenant first')
		)
	),
	queueIds: v.pipe(
		v.array(v.pipe(v.number('Choose queues by id'), v.integer(), v.minValue(1))),
		v.maxLength(500)
	),
	permissions: v.pipe(
		v.array(v.picklist(ACCESS_PERMISSIONS)),
		v.minLength(1, 'Grant cdr or interactions, or the user cannot open the screen')
	),
	password: v.optional(
		v.pipe(
			v.string(),
			v.minLength(10, 'Password: at least 10 characters'),
			v.maxLength(256, 'Password: at most 256 characters')
		)
	),
	disabled: v.optional(v.boolean(), false)
});
export type UserInput = v.InferInput<typeof UserInputSchema>;

export interface UserRecord {
	id: number;
	username: string;
	displayName: string;
	role: Role;
	tenantId: number | null;
	queueIds: number[];
	permissions: Permission[];
	disabled: boolean;
}

export class UserInputError extends Error {
	constructor(readonly fields: Record<string, string>) {
		super(Object.values(fields).join('; '));
	}
}

export class Users {
	constructor(
		private readonly pool: Pool,
		private readonly lookups: Lookups,
		private readonly passwordCost: ScryptCost
	) {}

	/** Validates against the schema and the PBX's tenants and queues; throws UserInputError. */
	validate(input: unknown, requirePassword: boolean): v.InferOutput<typeof UserInputSchema> {
		const parsed = v.safeParse(UserInputSchema, input);
		if (!parsed.success) {
			const fields: Record<string, string> = {};
			for (const issue of parsed.issues) {
				const key = String(issue.path?.[0]?.key ?? 'form');
				fields[key] ??= issue.message;
			}
			throw new UserInputError(fields);
		}
		const user = parsed.output;
		const fields: Record<string, string> = {};
		if (requirePassword && !user.password) fields.password = 'Password is required';
		if (user.role === 'platform_admin') {
			user.tenantId = null;
			user.queueIds = [];
		} else if (user.tenantId === null || !this.lookups.tenants.has(user.tenantId)) {
			fields.tenantId = 'Choose the tenant first';
		} else if (user.role === 'cc_supervisor') {
			const foreign = user.queueIds.filter(
				(id) => this.lookups.queues.get(id)?.tenantId !== user.tenantId
			);
			if (foreign.length > 0) fields.queueIds = `Queue ${foreign.join(', ')} is not in this tenant`;
			if (user.queueIds.length === 0) fields.queueIds = 'Assign at least one queue';
		} else {
			user.queueIds = [];
		}
		if (Object.keys(fields).length > 0) throw new UserInputError(fields);
		return user;
	}

	async create(input: unknown): Promise<number> {
		const user = this.validate(input, true);
		const hash = await hashPassword(user.password ?? '', this.passwordCost);
		return withTransaction(this.pool, async (conn) => {
			const [exists] = await conn.query<RowDataPacket[]>(
				'SELECT id FROM users WHERE username = ?',
				[user.username]
			);
			if (exists.length > 0) throw new UserInputError({ username: 'This user name is taken' });
			const [result] = await conn.query<ResultSetHeader>(
				`INSERT INTO users (username, display_name, password_hash, role, tenant_id, permissions, disabled)
				 VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[
					user.username,
					user.displayName,
					hash,
					user.role,
					user.tenantId,
					user.permissions.join(','),
					user.disabled ? 1 : 0
				]
			);
			await this.#writeQueues(conn, result.insertId, user.queueIds);
			return result.insertId;
		});
	}

	/**
	 * Saves an account. A disabled account loses every session; a new password ends every
	 * session but `keepSessionId` (the one of a user changing its own password). Open sockets
	 * follow when Accounts.updateUser announces the change.
	 */
	async update(
		id: number,
		input: unknown,
		options: { keepSessionId?: string } = {}
	): Promise<void> {
		const user = this.validate(input, false);
		const hash = user.password ? await hashPassword(user.password, this.passwordCost) : null;
		await withTransaction(this.pool, async (conn) => {
			const [clash] = await conn.query<RowDataPacket[]>(
				'SELECT id FROM users WHERE username = ? AND id <> ?',
				[user.username, id]
			);
			if (clash.length > 0) throw new UserInputError({ username: 'This user name is taken' });
			const [result] = await conn.query<ResultSetHeader>(
				`UPDATE users SET username = ?, display_name = ?, role = ?, tenant_id = ?, permissions = ?,
				        disabled = ?, password_hash = COALESCE(?, password_hash)
				  WHERE id = ?`,
				[
					user.username,
					user.displayName,
					user.role,
					user.tenantId,
					user.permissions.join(','),
					user.disabled ? 1 : 0,
					hash,
					id
				]
			);
			if (result.affectedRows === 0) throw new UserInputError({ form: 'No such user' });
			await conn.query('DELETE FROM user_queues WHERE user_id = ?', [id]);
			await this.#writeQueues(conn, id, user.queueIds);
			if (user.disabled) {
				await conn.query('DELETE FROM sessions WHERE user_id = ?', [id]);
			} else if (hash) {
				await conn.query('DELETE FROM sessions WHERE user_id = ? AND id <> ?', [
					id,
					options.keepSessionId ?? ''
				]);
			}
		});
	}

	async get(id: number): Promise<UserRecord | null> {
		return (await this.list({ id }))[0] ?? null;
	}

	/** Users, optionally of one tenant only (what a CC Admin may manage). */
	async list(filter: { tenantId?: number; id?: number } = {}): Promise<UserRecord[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT u.id, u.username, u.display_name, u.role, u.tenant_id, u.permissions, u.disabled,
			        GROUP_CONCAT(q.queue_id ORDER BY q.queue_id) AS queue_ids
			   FROM users u LEFT JOIN user_queues q ON q.user_id = u.id
			  WHERE (? IS NULL OR u.tenant_id = ?) AND (? IS NULL OR u.id = ?)
			  GROUP BY u.id ORDER BY u.username`,
			[filter.tenantId ?? null, filter.tenantId ?? null, filter.id ?? null, filter.id ?? null]
		);
		return rows.map((row) => ({
			id: Number(row.id),
			username: String(row.username),
			displayName: String(row.display_name),
			role: row.role as Role,
			tenantId: row.tenant_id === null ? null : Number(row.tenant_id),
			queueIds: row.queue_ids ? String(row.queue_ids).split(',').map(Number) : [],
			permissions: String(row.permissions || '')
				.split(',')
				.filter(Boolean) as Permission[],
			disabled: Number(row.disabled) === 1
		}));
	}

	async #writeQueues(
		conn: import('mysql2/promise').PoolConnection,
		userId: number,
		queueIds: number[]
	): Promise<void> {
		if (queueIds.length === 0) return;
		await conn.query('INSERT INTO user_queues (user_id, queue_id) VALUES ?', [
			[...new Set(queueIds)].map((queueId) => [userId, queueId])
		]);
	}
}
