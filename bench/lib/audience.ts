import type { Sandbox } from '../../scripts/lib/sandbox';
import type { DemoLookups } from '../../scripts/lib/demo-data';
import type { ClientSpec } from '../load/fleet';
import { createAccounts, signIn, type Account } from './env';
import type { Target } from './writer';

/**
 * The fan-out suites' audience: per tenant a Contact Center Admin account, per queue a
 * supervisor of that queue alone. The first 30 clients are admins (10 per tenant, on the tenant
 * rooms), the rest supervisors spread over the queue rooms.
 */
export class FanoutAudience {
	readonly #accounts: Account[];

	private constructor(
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
		const audience = new FanoutAudience(lookups, targets, prefix);
		await createAccounts(stack, audience.#accounts);
		return audience;
	}

	/** Signs every account in at `url` and returns `count` clients over them. */
	async clients(url: string, count: number): Promise<ClientSpec[]> {
		const cookies = new Map<string, string>();
		for (const a of this.#accounts) cookies.set(a.username, await signIn(url, a.username));
		const specs: ClientSpec[] = [];
		for (let i = 0; i < count; i++) {
			if (i < 30) {
				const tenant = this.lookups.tenants[i % this.lookups.tenants.length];
				specs.push({ cookie: cookies.get(`${this.prefix}.admin.${tenant.id}`)!, request: {}, scope: { tenantId: tenant.id, queueIds: null } }); // prettier-ignore
			} else {
				const t = this.targets[i % this.targets.length];
				specs.push({ cookie: cookies.get(`${this.prefix}.sup.${t.queueId}`)!, request: {}, scope: { tenantId: t.tenantId, queueIds: [t.queueId] } }); // prettier-ignore
			}
		}
		return specs;
	}
}
