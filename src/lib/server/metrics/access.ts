import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/**
 * Who may scrape /metrics: a client presenting METRICS_TOKEN as a bearer token, or a client
 * whose address METRICS_ALLOW lists. Nothing configured means nobody, not "anyone local": a
 * proxy on the same host would make every public request look local.
 */

export type ScrapeVerdict = 'allowed' | 'no-credentials' | 'refused';

export interface ScrapeAccess {
	check(authorization: string | null, clientAddress: string | null): ScrapeVerdict;
	/** Whether a token is configured (a refusal then asks for one). */
	readonly wantsToken: boolean;
}

export function scrapeAccess(config: { token: string | undefined; allow: string[] }): ScrapeAccess {
	const allowed = new BlockList();
	for (const entry of config.allow) {
		const [address, prefix] = entry.split('/');
		const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
		if (prefix === undefined) allowed.addAddress(address, family);
		else allowed.addSubnet(address, Number(prefix), family);
	}
	// Digests have one length whatever was sent, so the comparison takes the same time.
	const expected = config.token ? digest(config.token) : null;
	return {
		wantsToken: expected !== null,
		check(authorization, clientAddress) {
			const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
			if (presented !== undefined && expected && timingSafeEqual(digest(presented), expected)) {
				return 'allowed';
			}
			const address = clientAddress ? plainAddress(clientAddress) : null;
			const family = address ? isIP(address) : 0;
			if (address && family && allowed.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
				return 'allowed';
			}
			return presented === undefined ? 'no-credentials' : 'refused';
		}
	};
}

function digest(text: string): Buffer {
	return createHash('sha256').update(text).digest();
}

/** An IPv4 client on a dual-stack socket shows as `::ffff:10.0.0.5`. */
function plainAddress(address: string): string {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	return mapped ? mapped[1] : address;
}
