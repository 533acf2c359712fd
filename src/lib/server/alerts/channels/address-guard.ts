import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Tenant admins type webhook URLs on a shared platform: without this guard a URL could reach
 * the platform's own network (a database, Redis, a cloud's metadata service at 169.254.169.254).
 * The check runs on the addresses a name resolves to, inside the connection's own lookup, so the
 * address checked is the address connected to (a name that resolves to a public address when
 * the form is saved and to 127.0.0.1 when the alert fires is still refused).
 */

const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
	['0.0.0.0', 8], // "this network"
	['10.0.0.0', 8],
	['100.64.0.0', 10], // carrier-grade NAT
	['127.0.0.0', 8], // loopback
	['169.254.0.0', 16], // link-local, and the cloud metadata services (169.254.169.254)
	['172.16.0.0', 12],
	['192.0.0.0', 24], // IETF protocol assignments
	['192.168.0.0', 16],
	['198.18.0.0', 15], // benchmarking
	['224.0.0.0', 4], // multicast
	['240.0.0.0', 4] // reserved, and 255.255.255.255
] as const) {
	FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
	['::', 128], // unspecified
	['::1', 128], // loopback
	['fc00::', 7], // unique local (AWS's IPv6 metadata fd00:ec2::254 among them)
	['fe80::', 10], // link-local
	['ff00::', 8] // multicast
] as const) {
	FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Loopback, private, link-local, metadata and other non-public addresses. */
export function isForbiddenAddress(address: string): boolean {
	const family = isIP(address);
	if (family === 4) return FORBIDDEN.check(address, 'ipv4');
	if (family !== 6) return true;
	const embedded = embeddedIpv4(address);
	if (embedded) return isForbiddenAddress(embedded);
	return FORBIDDEN.check(address, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::) address. */
function embeddedIpv4(address: string): string | null {
	const lower = address.toLowerCase();
	const match =
		/^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
	if (!match) return null;
	if (match[1]) return match[1];
	const high = parseInt(match[2], 16);
	const low = parseInt(match[3], 16);
	return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export class RefusedAddress extends Error {}

/**
 * A `lookup` for http.request: resolves as the system does, and refuses the connection when any
 * address of the name is forbidden (a name with a public and a private address is refused too).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
	return (hostname, options, callback) => {
		dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
			if (error) return callback(error, '', 4);
			const refused = allowPrivate
				? undefined
				: addresses.find((a) => isForbiddenAddress(a.address));
			if (refused) {
				const why = `${hostname} resolves to ${refused.address}, a private or local address`;
				return callback(new RefusedAddress(why), '', 4);
			}
			if (options.all) return callback(null, addresses);
			callback(null, addresses[0].address, addresses[0].family);
		});
	};
}

/** An IP literal in a URL never reaches the lookup: it is checked here. */
export function refusedLiteral(url: URL, allowPrivate: boolean): string | null {
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (allowPrivate || isIP(host) === 0) return null;
	return isForbiddenAddress(host) ? `${host} is a private or local address` : null;
}

/** What a webhook URL must be: http or https, no user or password, at most 2,048 characters. */
export function webhookUrlProblem(text: string): string | null {
	if (text.length > 2048) return 'is longer than 2,048 characters';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return 'is not a URL';
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		return 'must start with http:// or https://';
	if (url.username || url.password) return 'must not carry a user name or password';
	return null;
}
