import type { Pool, ResultSetHeader } from 'mysql2/promise';
import type { TranscriptSegment } from '../../src/lib/transcript';
import { commitText, PbxStatements, type ActiveRow, type ClosedRow, type Commit } from './pbx-sql';
import { withTransaction } from './sql';

/**
 * Plays the PBX's part against a database: each step of an interaction's life as one commit of
 * the statements in pbx-sql.ts. The simulator, the tests and the benchmarks all write through it.
 */
export class PbxWriter {
	readonly sql: PbxStatements;
	readonly #pool: Pool;

	/** Tables of `database`, or of the pool's own database when it is left out. */
	constructor(pool: Pool, database?: string) {
		this.#pool = pool;
		this.sql = new PbxStatements(database);
	}

	/** Runs one commit; returns how many rows its last statement changed. */
	async run(commit: Commit): Promise<number> {
		if (commit.length === 1) {
			const [result] = await this.#pool.query<ResultSetHeader>(commit[0]);
			return result.affectedRows;
		}
		return withTransaction(this.#pool, async (conn) => {
			let changed = 0;
			for (const statement of commit) {
				[{ affectedRows: changed }] = await conn.query<ResultSetHeader>(statement);
			}
			return changed;
		});
	}

	/**
	 * Sends several commits in one round trip, each still its own transaction: how a load
	 * generator keeps thousands of commits a second flowing. The pool needs multipleStatements.
	 */
	async runTogether(commits: readonly Commit[]): Promise<void> {
		const conn = await this.#pool.getConnection();
		try {
			await conn.query(commits.map(commitText).join(';\n'));
		} catch (error) {
			// The server stops at the failed statement: do not hand back a connection mid-transaction.
			await conn.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			conn.release();
		}
	}

	/** New interactions (text: with the customer's opening message), or rows in a later phase. */
	async insertActive(rows: readonly ActiveRow[]): Promise<void> {
		await this.run(this.sql.insertActive(rows));
	}

	async answer(id: number, agentId: number, atMs = Date.now()): Promise<void> {
		await this.run(this.sql.answer([{ id, agentId, atMs }]));
	}

	async appendMessage(id: number, line: string, atMs = Date.now()): Promise<void> {
		await this.run(this.sql.appendMessage(id, line, atMs));
	}

	async moveQueue(id: number, queueId: number, atMs = Date.now()): Promise<void> {
		await this.run(this.sql.moveQueue(id, queueId, atMs));
	}

	async startAcw(id: number, atMs = Date.now()): Promise<void> {
		await this.run(this.sql.startAcw([{ id, atMs }]));
	}

	async setDisposition(id: number, dispositionId: number | null, atMs = Date.now()): Promise<void> {
		await this.run(this.sql.setDisposition(id, dispositionId, atMs));
	}

	/** Insert into closed from the active row and delete it, in one transaction, as the PBX does. */
	async close(
		id: number,
		closing: { atMs?: number; dispositionId?: number | null; recordingFile?: string | null } = {}
	): Promise<void> {
		await this.run(this.sql.close([{ ...closing, id, atMs: closing.atMs ?? Date.now() }]));
	}

	/** See PbxStatements.closeIdle; returns how many it closed. */
	closeIdle(idFloor: number, idleMinutes: number): Promise<number> {
		return this.run(this.sql.closeIdle(idFloor, idleMinutes));
	}

	async insertClosed(rows: readonly ClosedRow[]): Promise<void> {
		await this.run(this.sql.insertClosed(rows));
	}

	async insertTranscription(
		id: number,
		segments: readonly TranscriptSegment[],
		atMs = Date.now()
	): Promise<void> {
		await this.run(this.sql.insertTranscription(id, segments, atMs));
	}
}
