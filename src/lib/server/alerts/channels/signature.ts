import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, as Stripe signs: HMAC-SHA256 with the webhook's secret over
 * `<unix seconds>.<raw body>`, sent as `X-Interactions-Signature: t=<seconds>,v1=<hex>`. The
 * timestamp inside the signed text lets a receiver refuse a replay of an old request.
 */

export const SIGNATURE_HEADER = 'X-Interactions-Signature';
/** How old a signed request a receiver should still accept (what our README's example uses). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
	return `t=${unixSeconds},v1=${hmac(secret, `${unixSeconds}.${body}`)}`;
}

/** The receiver's side: a valid signature over this body, made within the tolerance of `now`. */
export function verifySignature(
	header: string,
	body: string,
	secret: string,
	nowSeconds = Math.floor(Date.now() / 1000)
): boolean {
	const fields = new Map(
		header.split(',').map((part) => {
			const at = part.indexOf('=');
			return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
		})
	);
	const t = Number(fields.get('t'));
	const v1 = fields.get('v1') ?? '';
	if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) return false;
	const expected = Buffer.from(hmac(secret, `${t}.${body}`), 'hex');
	const given = Buffer.from(/^[0-9a-f]{64}$/.test(v1) ? v1 : '', 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A new webhook's secret: 32 random bytes, shown to the admin who adds the webhook. */
export function newWebhookSecret(): string {
	return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmac(secret: string, text: string): string {
	return createHmac('sha256', secret).update(text).digest('hex');
}
