import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql, { type Pool } from 'mysql2/promise';
import { seedLookups, type DemoLookups } from './demo-data';
import { applyPbxSchema } from './schema';

/**
 * What the simulate and history CLIs share: their common flags, finding the PBX database as an
 * admin, opening a pool that writes UTC, and creating the schema and lookups on a fresh server.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const servicesFile = resolve(repoRoot, '.data/services.json');

/** The all-privileges account `npm run demo` provisions on the dev MariaDB (never production). */
export const devAdmin = { user: 'il_admin', password: 'il_admin' };

export interface PbxTarget {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
}

/**
 * The admin connection, from (first found) --url, PBX_ADMIN_URL, or the dev services file.
 * The database comes from --database, else the URL's path, else 'pbxlogs'.
 */
export function resolveTarget(flags: { url?: string; database?: string }): PbxTarget {
	const url = flags.url ?? process.env.PBX_ADMIN_URL ?? urlFromServicesFile();
	if (!url) {
		throw new Error(
			'No database to connect to: pass --url mysql://user:pass@host:port, set PBX_ADMIN_URL, ' +
				'or start the dev services with `npm run services` (writes .data/services.json).'
		);
	}
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new Error(`--url / PBX_ADMIN_URL is not a URL: ${url}`);
	}
	if (!/^(mysql|mariadb):$/.test(parsed.protocol)) {
		throw new Error(`--url / PBX_ADMIN_URL must start with mysql:// (got ${parsed.protocol}//)`);
	}
	const fromPath = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
	return {
		host: parsed.hostname || '127.0.0.1',
		port: parsed.port ? Number(parsed.port) : 3306,
		user: decodeURIComponent(parsed.username),
		password: decodeURIComponent(parsed.password),
		database: flags.database ?? (fromPath || 'pbxlogs')
	};
}

function urlFromServicesFile(): string | undefined {
	if (!existsSync(servicesFile)) return undefined;
	try {
		const info = JSON.parse(readFileSync(servicesFile, 'utf8')) as { mariadb?: { port?: unknown } };
		const port = Number(info.mariadb?.port);
		if (!Number.isInteger(port) || port <= 0) return undefined;
		return `mysql://${devAdmin.user}:${devAdmin.password}@127.0.0.1:${port}`;
	} catch {
		return undefined;
	}
}

/**
 * A pool without a default database (it may not exist yet); every statement names its table
 * in full. DATETIMEs are read as text and the client time zone is UTC, so nothing shifts.
 */
export function createAdminPool(target: PbxTarget, connectionLimit = 10): Pool {
	return mysql.createPool({
		host: target.host,
		port: target.port,
		user: target.user,
		password: target.password,
		timezone: 'Z',
		dateStrings: true,
		supportBigNumbers: true,
		charset: 'utf8mb4',
		connectionLimit
	});
}

/** Creates the PBX schema from db/pbxlogs.sql when its tables are missing. */
export async function ensurePbxSchema(target: PbxTarget): Promise<void> {
	const conn = await mysql.createConnection({
		host: target.host,
		port: target.port,
		user: target.user,
		password: target.password,
		multipleStatements: true
	});
	try {
		await applyPbxSchema(conn, target.database);
	} finally {
		await conn.end();
	}
}

/** A number flag: the parsed value, or an error that names the flag. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	const parsed = Number(value.replace(/[_,]/g, ''));
	if (!Number.isFinite(parsed) || parsed <= 0) {
		throw new Error(`--${name} must be a positive number, not ${JSON.stringify(value)}`);
	}
	return parsed;
}

/** Where recordings go: --recordings, else RECORDINGS_ROOT, else .data/recordings in the repo. */
export function recordingsRootFrom(flag: string | undefined): string {
	return resolve(flag ?? process.env.RECORDINGS_ROOT ?? resolve(repoRoot, '.data/recordings'));
}

export function describe(target: PbxTarget): string {
	return `${target.user}@${target.host}:${target.port}/${target.database}`;
}

/** The flags of every PBX CLI: where the database is, where recordings go, a seed, help. */
export const PBX_FLAGS = {
	seed: { type: 'string' },
	database: { type: 'string' },
	url: { type: 'string' },
	recordings: { type: 'string' },
	help: { type: 'boolean', short: 'h' }
} as const;

/** Acts on PBX_FLAGS' --help (prints `usage`, exits) and returns --seed. */
export function pbxSeed(
	values: { help?: boolean; seed?: string },
	usage: string
): number | undefined {
	if (values.help) {
		console.log(usage);
		process.exit(0);
	}
	return values.seed === undefined ? undefined : numberFlag('seed', values.seed, 1);
}

/** The PBX database the flags name, with its schema and demo lookups created when missing. */
export async function openPbx(flags: {
	url?: string;
	database?: string;
}): Promise<{ target: PbxTarget; pool: Pool; lookups: DemoLookups }> {
	const target = resolveTarget(flags);
	await ensurePbxSchema(target);
	const pool = createAdminPool(target);
	try {
		return { target, pool, lookups: await seedLookups(pool, target.database) };
	} catch (error) {
		await pool.end();
		throw error;
	}
}
