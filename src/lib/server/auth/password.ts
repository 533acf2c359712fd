import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, in Node's standard library: no native addon to
 * build). Stored as `scrypt$N$r$p$salt$hash`, so the cost can be raised: a hash below the
 * current cost is replaced at the user's next sign-in (needsRehash).
 */

export interface ScryptCost {
	N: number;
	r: number;
	p: number;
}

/** OWASP's current minimum for scrypt: 128 MiB and about half a second per hash here. */
export const STANDARD_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
/**
 * PASSWORD_HASHING=fast-insecure-for-tests: test suites sign in hundreds of times, which at the
 * standard cost would take minutes. Never for a real install (the server warns at startup).
 */
export const TEST_ONLY_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 12, r: 8, p: 1 });

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
	// scrypt needs 128·N·r bytes; Node refuses anything above 32 MiB unless maxmem says more.
	const options: ScryptOptions = { ...cost, maxmem: 128 * cost.N * cost.r * 2 };
	return new Promise((resolve, reject) =>
		scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
			error ? reject(error) : resolve(key)
		)
	);
}

export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, cost);
	const { N, r, p } = cost;
	return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function costOf(stored: string): ScryptCost | null {
	const [scheme, n, r, p] = stored.split('$');
	const cost = { N: Number(n), r: Number(r), p: Number(p) };
	if (scheme !== 'scrypt' || !Object.values(cost).every(Number.isSafeInteger)) return null;
	return cost;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [, , , , salt, hash] = stored.split('$');
	const cost = costOf(stored);
	if (!cost || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	try {
		const key = await derive(password, Buffer.from(salt, 'base64'), cost);
		return key.length === expected.length && timingSafeEqual(key, expected);
	} catch {
		// Parameters scrypt refuses (a hand-edited row): no password matches it.
		return false;
	}
}

/** Whether a stored hash is weaker than `cost` and should be replaced at the next sign-in. */
export function needsRehash(stored: string, cost: ScryptCost): boolean {
	const current = costOf(stored);
	return !current || current.N < cost.N || current.r < cost.r || current.p < cost.p;
}

/** A hash of a random password per cost: verified against when the username does not exist,
 * so the response takes as long as for a real account and reveals nothing. */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(cost: ScryptCost): Promise<string> {
	let decoy = decoys.get(cost.N);
	if (!decoy) {
		decoy = hashPassword(randomBytes(16).toString('hex'), cost);
		decoys.set(cost.N, decoy);
	}
	return decoy;
}
