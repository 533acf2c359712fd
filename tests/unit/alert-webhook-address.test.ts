import { describe, expect, it } from 'vitest';
import {
	guardedLookup,
	isForbiddenAddress,
	RefusedAddress,
	refusedLiteral,
	webhookUrlProblem
} from '../../src/lib/server/alerts/channels/address-guard';

describe('the webhook address guard', () => {
	it('refuses loopback, private, link-local, metadata and other non-public addresses', () => {
		for (const address of [
			'127.0.0.1',
			'127.8.9.10',
			'10.1.2.3',
			'172.16.0.1',
			'172.31.255.255',
			'192.168.1.1',
			'169.254.169.254',
			'100.64.0.1',
			'0.0.0.0',
			'255.255.255.255',
			'224.0.0.1',
			'::1',
			'::',
			'fe80::1',
			'fd00:ec2::254',
			'fc00::5',
			'::ffff:127.0.0.1',
			'::ffff:7f00:1',
			'::ffff:a9fe:a9fe',
			'64:ff9b::10.0.0.1',
			'not-an-address'
		]) {
			expect(isForbiddenAddress(address), address).toBe(true);
		}
	});

	it('lets public addresses through', () => {
		for (const address of [
			'8.8.8.8',
			'1.1.1.1',
			'172.32.0.1',
			'192.169.0.1',
			'2606:4700:4700::1111',
			'::ffff:8.8.8.8'
		]) {
			expect(isForbiddenAddress(address), address).toBe(false);
		}
	});

	it('checks IP literals in a URL, unless the operator allows private addresses', () => {
		expect(refusedLiteral(new URL('http://127.0.0.1:8080/hook'), false)).toMatch(/127\.0\.0\.1/);
		expect(refusedLiteral(new URL('http://[::1]/hook'), false)).toMatch(/::1/);
		expect(refusedLiteral(new URL('http://[::ffff:169.254.169.254]/'), false)).not.toBeNull();
		expect(refusedLiteral(new URL('http://8.8.8.8/hook'), false)).toBeNull();
		expect(refusedLiteral(new URL('http://127.0.0.1/hook'), true)).toBeNull();
		expect(refusedLiteral(new URL('https://hooks.example.com/x'), false)).toBeNull();
	});

	it('refuses a name that resolves to a loopback address, after DNS resolution', async () => {
		const lookup = guardedLookup(false);
		const refused = await new Promise<unknown>((resolve) =>
			lookup('localhost', {}, (error) => resolve(error))
		);
		expect(refused).toBeInstanceOf(RefusedAddress);
		const allowed = await new Promise<unknown>((resolve) =>
			guardedLookup(true)('localhost', { all: true }, (error, addresses) =>
				resolve(error ?? addresses)
			)
		);
		expect(allowed).toEqual(expect.arrayContaining([expect.objectContaining({ family: 4 })]));
	});

	it('takes http and https URLs only, without credentials', () => {
		expect(webhookUrlProblem('https://hooks.slack.com/services/T/B/X')).toBeNull();
		expect(webhookUrlProblem('http://example.com:8080/hook')).toBeNull();
		expect(webhookUrlProblem('ftp://example.com/')).toMatch(/http/);
		expect(webhookUrlProblem('file:///etc/passwd')).toMatch(/http/);
		expect(webhookUrlProblem('gopher://127.0.0.1:6379/')).toMatch(/http/);
		expect(webhookUrlProblem('not a url')).toMatch(/not a URL/);
		expect(webhookUrlProblem('https://user:pw@example.com/')).toMatch(/password/);
		expect(webhookUrlProblem(`https://example.com/${'a'.repeat(2100)}`)).toMatch(/2,048/);
	});
});
