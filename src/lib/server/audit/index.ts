import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log';
import type { Viewer } from '../scope';

/** The audit log: who did what and when, in the dashboard database. */

export type AuditAction =
	| 'sign_in'
	| 'sign_in_failed'
	| 'sign_out'
	| 'scope_refused'
	| 'recording_played'
	| 'recording_downloaded'
	| 'transcription_viewed'
	| 'conversation_viewed'
	| 'export'
	| 'user_created'
	| 'user_updated'
	| 'wall_token_created'
	| 'wall_token_revoked'
	| 'queue_thresholds_saved'
	| 'queue_thresholds_reset'
	| 'alert_acknowledged'
	| 'alert_rule_created'
	| 'alert_rule_updated'
	| 'alert_rule_deleted'
	| 'alert_webhook_added'
	| 'alert_webhook_enabled'
	| 'alert_webhook_disabled'
	| 'alert_webhook_deleted'
	| 'alert_recipient_added'
	| 'alert_recipient_removed';

/** The longest detail the audit_log column holds. */
export const MAX_DETAIL = 1024;

export interface AuditEntry {
	action: AuditAction;
	viewer?: Viewer | null;
	actor?: string;
	tenantId?: number | null;
	subject?: string | null;
	detail?: string | null;
	ip?: string | null;
	/** Events of this kind the row also stands for, not written one by one (see refusals.ts). */
	repeats?: number;
}

export class Audit {
	constructor(
		private readonly pool: Pool,
		private readonly log: Logger,
		/** Told of every entry (metrics count them by action). */
		private readonly onRecord: (entry: AuditEntry) => void = () => {}
	) {}

	/** Writes an entry; a failure to audit is logged loudly but never breaks the request. */
	record(entry: AuditEntry): Promise<void> {
		this.onRecord(entry);
		const viewer = entry.viewer;
		const userId = viewer?.kind === 'user' ? viewer.userId : null;
		const wallTokenId = viewer?.kind === 'wall' ? viewer.tokenId : null;
		const actor =
			entry.actor ??
			(viewer?.kind === 'user' ? viewer.username : viewer ? `wall:${viewer.label}` : null);
		return this.pool
			.query(
				`INSERT INTO audit_log (action, user_id, wall_token_id, actor, tenant_id, subject, detail, ip)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				[
					entry.action,
					userId,
					wallTokenId,
					actor?.slice(0, 64) ?? null,
					entry.tenantId ?? null,
					entry.subject?.slice(0, 64) ?? null,
					entry.detail?.slice(0, MAX_DETAIL) ?? null,
					entry.ip?.slice(0, 64) ?? null
				]
			)
			.then(() => undefined)
			.catch((error: unknown) =>
				this.log.error('audit write failed', { error, entry: entry.action })
			);
	}
}
