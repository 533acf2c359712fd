import type { DemoTenant } from '../../scripts/lib/demo-data';
import { PbxSql } from './pbx';
import type { Stack } from './stack';

/**
 * Lifecycles (new, active, acw, closed: four commits each) written at a steady commit rate, as a
 * busy PBX does, over several tenants and their queues. Unlike lifecycleBurst it survives the
 * database going away under it: a commit that fails ends its interaction where SQL has it, the
 * writer waits a moment and goes on with the next. SQL stays the truth either way, which is all
 * the checker compares against.
 */

export interface PacedBurstOptions {
	tenants: DemoTenant[];
	/** The burst stops starting interactions after this many, or when `until` says so. */
	interactions: number;
	firstId: number;
	/** Commits per second. */
	rate: number;
	concurrency?: number;
	/** Called after each commit with the number committed so far. */
	onCommit?: (commits: number) => void;
	/** Checked before each new interaction: true ends the burst early. */
	until?: () => boolean;
}

export interface BurstResult {
	commits: number;
	/** Commits that failed (the database was away); their interactions stopped there. */
	failed: number;
	interactions: number;
	seconds: number;
}

export async function pacedBurst(stack: Stack, o: PacedBurstOptions): Promise<BurstResult> {
	const pbx = new PbxSql(stack.admin, stack.pbxDb);
	const started = performance.now();
	const gapMs = 1000 / o.rate;
	let issued = 0;
	let next = 0;
	let commits = 0;
	let failed = 0;
	// The n-th commit of the burst waits for its slot: a steady rate, not as fast as possible.
	const slot = async () => {
		const at = started + issued++ * gapMs;
		const wait = at - performance.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
	};
	const worker = async () => {
		while (next < o.interactions && !o.until?.()) {
			const i = next++;
			const id = o.firstId + i;
			const tenant = o.tenants[i % o.tenants.length];
			const k = Math.floor(i / o.tenants.length);
			const queue = tenant.queues[k % tenant.queues.length];
			const agent = tenant.agents[k % tenant.agents.length];
			const steps = [
				() => pbx.insertNew({ id, tenantId: tenant.id, queueId: queue.id }),
				() => pbx.answer(id, agent.id),
				() => pbx.startAcw(id),
				() => pbx.close(id, tenant.dispositions[0].id)
			];
			for (const step of steps) {
				await slot();
				try {
					await step();
					o.onCommit?.(++commits);
				} catch {
					failed++;
					await new Promise((resolve) => setTimeout(resolve, 200));
					break;
				}
			}
		}
	};
	await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
	return { commits, failed, interactions: next, seconds: (performance.now() - started) / 1000 };
}
