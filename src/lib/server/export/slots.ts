/**
 * How many exports stream at once: a whole-history export reads the database as fast as it can,
 * so a few in parallel slowed everyone's pages. A user gets `perUser` at a time, the node `total`;
 * one more is refused (429) rather than queued. Per node: each node guards its own resources.
 */
export class ExportSlots {
	#total = 0;
	readonly #byUser = new Map<string, number>();

	constructor(private readonly limits: { perUser: number; total: number }) {}

	/** A slot for `user`, or null when none is free; the release function may be called twice. */
	take(user: string): (() => void) | null {
		const mine = this.#byUser.get(user) ?? 0;
		if (mine >= this.limits.perUser || this.#total >= this.limits.total) return null;
		this.#byUser.set(user, mine + 1);
		this.#total++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.#total--;
			const left = (this.#byUser.get(user) ?? 1) - 1;
			if (left > 0) this.#byUser.set(user, left);
			else this.#byUser.delete(user);
		};
	}

	/** Why a slot was refused, in words for the person waiting. */
	refusal(user: string): string {
		return (this.#byUser.get(user) ?? 0) >= this.limits.perUser
			? `You have ${this.limits.perUser} export(s) running: wait for one to finish.`
			: 'Too many exports are running right now: try again in a minute.';
	}
}
