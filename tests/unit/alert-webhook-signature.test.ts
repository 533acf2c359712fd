import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../src/lib/server/alerts/channels/signature';
import { newWebhookSecret } from '../../src/lib/server/alerts/channels/signature';

describe('webhook signatures', () => {
	it('signs HMAC-SHA256 over "<seconds>.<body>" as t=…,v1=… (checked against openssl)', () => {
		// printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
		expect(signatureHeader('whsec_test', '{"a":1}', 1_700_000_000)).toBe(
			't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789'
		);
	});

	it('verifies its own signature within five minutes, and nothing else', () => {
		const body = '{"id":"alert-1-fired"}';
		const header = signatureHeader('s3cret', body, 1_700_000_000);
		expect(verifySignature(header, body, 's3cret', 1_700_000_000 + 299)).toBe(true);
		expect(verifySignature(header, body, 's3cret', 1_700_000_000 + 301)).toBe(false);
		expect(verifySignature(header, body + ' ', 's3cret', 1_700_000_000)).toBe(false);
		expect(verifySignature(header, body, 'other', 1_700_000_000)).toBe(false);
		// The timestamp is part of what is signed: moving it breaks the signature.
		const moved = header.replace('t=1700000000', 't=1700000100');
		expect(verifySignature(moved, body, 's3cret', 1_700_000_100)).toBe(false);
		expect(verifySignature('t=1700000000,v1=zz', body, 's3cret', 1_700_000_000)).toBe(false);
		expect(verifySignature('', body, 's3cret', 1_700_000_000)).toBe(false);
	});

	it('makes a new 32-byte secret for every webhook', () => {
		const a = newWebhookSecret();
		expect(a).toMatch(/^whsec_[\w-]{43}$/);
		expect(newWebhookSecret()).not.toBe(a);
	});
});
