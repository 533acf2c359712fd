import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClusterKeys } from './keys';

/**
 * The binlog leader's lease: `SET NX PX` with a TTL, renewed while the holder is alive. Every
 * acquisition takes the next fencing token in the same script, and records itself as the fence's
 * owner (`<node>|<token>|<nonce>`): appends are checked against that owner. The counter alone
 * is not enough across a Redis failover: a promoted replica can lack the last INCR, and hand the
 * same number to a second leader; the nonce, fresh for every acquisition, cannot repeat.
 */

const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
	local token = redis.call('INCR', KEYS[2])
	redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
	redis.call('SET', KEYS[3], ARGV[1] .. '|' .. token .. '|' .. ARGV[3])
	return token
end
return 0`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class LeaderLease {
	#held: { token: number; value: string; owner: string } | null = null;

	constructor(
		private readonly redis: Redis,
		private readonly keys: ClusterKeys,
		readonly nodeId: string,
		readonly ttlMs: number
	) {}

	/** The fencing token while this node holds the lease. */
	get token(): number | null {
		return this.#held?.token ?? null;
	}

	/** The fence owner this node appends as while it holds the lease (see ACQUIRE). */
	get owner(): string | null {
		return this.#held?.owner ?? null;
	}

	/** Takes the lease if nobody holds it; the new fencing token, or null. */
	async tryAcquire(): Promise<number | null> {
		const { leader, fence, owner } = this.keys;
		const nonce = randomUUID();
		const token = Number(
			await this.redis.eval(ACQUIRE, 3, leader, fence, owner, this.nodeId, this.ttlMs, nonce)
		);
		if (token <= 0) return null;
		const value = `${this.nodeId}|${token}`;
		this.#held = { token, value, owner: `${value}|${nonce}` };
		return token;
	}

	/** Extends the lease; false when it was lost (expired, or Redis lost it). */
	async renew(): Promise<boolean> {
		if (!this.#held) return false;
		const kept = Number(
			await this.redis.eval(RENEW, 1, this.keys.leader, this.#held.value, this.ttlMs)
		);
		if (kept !== 1) this.#held = null;
		return kept === 1;
	}

	async release(): Promise<void> {
		const held = this.#held;
		this.#held = null;
		if (held) await this.redis.eval(RELEASE, 1, this.keys.leader, held.value);
	}

	/** Forgets the lease without telling Redis (it was lost, or Redis is unreachable). */
	drop(): void {
		this.#held = null;
	}
}
