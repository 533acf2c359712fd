import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { sqlTimeToIso } from '../../db';
import { refusedLiteral, webhookUrlProblem } from './address-guard';
import { newWebhookSecret } from './signature';
import type { DeliveryLogEntry, WebhookView } from '$lib/alert-channels';
import type { ChannelKind, Transition } from './types';

export type { DeliveryLogEntry, WebhookView };

export const MAX_WEBHOOKS_PER_TENANT = 10;
export const MAX_RECIPIENTS_PER_TENANT = 50;

export type Change<T = object> = ({ ok: true } & T) | { ok: false; field: string; error: string };

/**
 * A tenant's webhooks, alert email recipients and delivery log. Every statement names the
 * tenant: an admin reaches its own tenant's channels only, whatever id a form posts.
 */
export class ChannelSettings {
	constructor(
		private readonly pool: Pool,
		private readonly allowPrivate: boolean
	) {}

	async webhooks(tenantId: number): Promise<WebhookView[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			'SELECT id, url, enabled, created_at FROM alert_webhooks WHERE tenant_id = ? ORDER BY id',
			[tenantId]
		);
		return rows.map((row) => ({
			id: Number(row.id),
			url: String(row.url),
			enabled: Number(row.enabled) === 1,
			createdAt: sqlTimeToIso(row.created_at) ?? ''
		}));
	}

	/** Adds a webhook with a new secret, returned this once for the admin to copy. */
	async addWebhook(
		tenantId: number,
		url: string,
		userId: number | null
	): Promise<Change<{ id: number; secret: string }>> {
		const problem = webhookUrlProblem(url) ?? refusedLiteral(new URL(url), this.allowPrivate);
		if (problem) return { ok: false, field: 'url', error: `The URL ${problem}.` };
		const secret = newWebhookSecret();
		const [result] = await this.pool.query<ResultSetHeader>(
			`INSERT INTO alert_webhooks (tenant_id, url, secret, created_by, created_at)
			 SELECT ?, ?, ?, ?, UTC_TIMESTAMP(3) FROM DUAL
			 WHERE (SELECT COUNT(*) FROM alert_webhooks WHERE tenant_id = ?) < ?`,
			[tenantId, url, secret, userId, tenantId, MAX_WEBHOOKS_PER_TENANT]
		);
		if (result.affectedRows === 0) {
			return {
				ok: false,
				field: 'url',
				error: `A tenant has at most ${MAX_WEBHOOKS_PER_TENANT} webhooks.`
			};
		}
		return { ok: true, id: result.insertId, secret };
	}

	/** False when the tenant has no such webhook. */
	async setWebhookEnabled(tenantId: number, id: number, enabled: boolean): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			'UPDATE alert_webhooks SET enabled = ? WHERE id = ? AND tenant_id = ?',
			[enabled ? 1 : 0, id, tenantId]
		);
		return result.affectedRows === 1;
	}

	async deleteWebhook(tenantId: number, id: number): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			'DELETE FROM alert_webhooks WHERE id = ? AND tenant_id = ?',
			[id, tenantId]
		);
		return result.affectedRows === 1;
	}

	async recipients(tenantId: number): Promise<string[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			'SELECT address FROM alert_email_recipients WHERE tenant_id = ? ORDER BY address',
			[tenantId]
		);
		return rows.map((row) => String(row.address));
	}

	async addRecipient(tenantId: number, address: string, userId: number | null): Promise<Change> {
		const [result] = await this.pool.query<ResultSetHeader>(
			`INSERT IGNORE INTO alert_email_recipients (tenant_id, address, created_by, created_at)
			 SELECT ?, ?, ?, UTC_TIMESTAMP(3) FROM DUAL
			 WHERE (SELECT COUNT(*) FROM alert_email_recipients WHERE tenant_id = ?) < ?`,
			[tenantId, address, userId, tenantId, MAX_RECIPIENTS_PER_TENANT]
		);
		if (result.affectedRows === 0 && !(await this.recipients(tenantId)).includes(address)) {
			return {
				ok: false,
				field: 'address',
				error: `A tenant has at most ${MAX_RECIPIENTS_PER_TENANT} alert email addresses.`
			};
		}
		return { ok: true };
	}

	async removeRecipient(tenantId: number, address: string): Promise<boolean> {
		const [result] = await this.pool.query<ResultSetHeader>(
			'DELETE FROM alert_email_recipients WHERE tenant_id = ? AND address = ?',
			[tenantId, address]
		);
		return result.affectedRows === 1;
	}

	/** The tenant's newest deliveries, newest first. */
	async deliveryLog(tenantId: number, limit = 100): Promise<DeliveryLogEntry[]> {
		const [rows] = await this.pool.query<RowDataPacket[]>(
			`SELECT id, alert_id, transition, channel, target, status, attempts, last_error,
				created_at, sent_at, next_attempt_at
			 FROM alert_deliveries WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
			[tenantId, limit]
		);
		return rows.map((row) => ({
			id: Number(row.id),
			alertId: Number(row.alert_id),
			transition: row.transition as Transition,
			channel: row.channel as ChannelKind,
			target: String(row.target),
			status: row.status as DeliveryLogEntry['status'],
			attempts: Number(row.attempts),
			lastError: row.last_error === null ? null : String(row.last_error),
			createdAt: sqlTimeToIso(row.created_at) ?? '',
			sentAt: sqlTimeToIso(row.sent_at),
			nextAttemptAt: row.status === 'pending' ? sqlTimeToIso(row.next_attempt_at) : null
		}));
	}
}
