import type { Sandbox } from '../../scripts/lib/sandbox';
import type { DemoLookups } from '../../scripts/lib/demo-data';
import type { ClientSpec } from '../load/fleet';
import { createAccounts, signIn, type Account } from './env';
import type { Target } from './writer';

/**
 * `count` socket clients of one tenant-wide account, each its own sign-in as that many browsers
 * would have (a sign-in may only have a few sockets open; see Sandbox.sessionCookies).
 */
export async function tenantCrowd(
	stack: Sandbox,
	username: string,
	tenantId: number,
	count: number
): Promise<ClientSpec[]> {
	const cookies = await stack.sessionCookies(username, count);
	return cookies.map((cookie) => ({ cookie, request: {}, scope: { tenantId, queueIds: null } }));
}

/**
 * The fan-out suites' audience: per tenant a Contact Center Admin account, per queue a
 * supervisor of that queue alone. The first 30 clients are admins (10 per tenant, on the tenant
 * rooms), the rest supervisors spread over the queue rooms.
 */
export class FanoutAudience {
	readonly #accounts: Account[];

	private constructor(
		private readonly stack: Sandbox,
		private readonly lookups: DemoLookups,
		private readonly targets: Target[],
		private readonly prefix: string
	) {
		this.#accounts = [
			...lookups.tenants.map((t) => ({ username: `${prefix}.admin.${t.id}`, role: 'cc_admin' as const, tenantId: t.id })), // prettier-ignore
			...targets.map((t) => ({ username: `${prefix}.sup.${t.queueId}`, role: 'cc_supervisor' as const, tenantId: t.tenantId, queueIds: [t.queueId] })) // prettier-ignore
		];
	}

	/** Creates the accounts; `prefix` keeps the user names of two suites apart. */
	static async create(stack: Sandbox, lookups: DemoLookups, targets: Target[], prefix: string) {
		const audience = new FanoutAudience(stack, lookups, targets, prefix);
		await createAccounts(stack, audience.#accounts);
		return audience;
	}

	/**
	 * `count` clients over the accounts, each with a sign-in of its own, as that many browsers
	 * would have (a sign-in may only have a few sockets open). One account's first session
	 * signs in at `url` through the real form; the others are minted as a sign-in makes them.
	 */
	async clients(url: string, count: number): Promise<ClientSpec[]> {
		const specs: (Omit<ClientSpec, 'cookie'> & { username: string })[] = [];
		for (let i = 0; i < count; i++) {
			if (i < 30) {
				const tenant = this.lookups.tenants[i % this.lookups.tenants.length];
				specs.push({ username: `${this.prefix}.admin.${tenant.id}`, request: {}, scope: { tenantId: tenant.id, queueIds: null } }); // prettier-ignore
			} else {
				const t = this.targets[i % this.targets.length];
				specs.push({ username: `${this.prefix}.sup.${t.queueId}`, request: {}, scope: { tenantId: t.tenantId, queueIds: [t.queueId] } }); // prettier-ignore
			}
		}
		const cookies = new Map<string, string[]>();
		for (const { username } of specs) {
			if (cookies.has(username)) continue;
			const needed = specs.filter((spec) => spec.username === username).length;
			const signedIn = await signIn(url, username);
			cookies.set(username, [signedIn, ...(await this.stack.sessionCookies(username, needed - 1))]);
		}
		return specs.map(({ username, ...spec }) => ({
			...spec,
			cookie: cookies.get(username)!.pop()!
		}));
	}
}
