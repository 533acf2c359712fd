import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every file or folder the docs name still exists. The docs (README.md, docs/*.md) name code in
 * backticks and in links; when code moves, this names each reference left behind, as
 * `doc:line  reference`. How a reference is read:
 *
 * - `$lib/x` is src/lib/x; `server/x` is src/lib/server/x; `routes/x` is src/routes/x.
 * - Other references with a slash are tried from the repository root, src/, src/lib/,
 *   src/lib/server/ and the doc's own folder (docs/ARCHITECTURE.md writes `live/state.ts` for
 *   src/lib/server/live/state.ts): any that exists will do. Only those that start with a folder
 *   of one of these places count as paths, so `text/csv` or `/api/history` are not.
 * - A bare file name (`rules.ts`, in a list about src/lib/server/scope/) is looked for in the
 *   folders named before it under the same heading (a folder, or the folder of a file), the
 *   doc's own folder and the root.
 * - Templates and globs (`<area>`, `*`, `…`), URLs, fenced blocks and what the build or a run
 *   writes (build/, .data/, node_modules/) are not checked. `file.ts:12` and `#anchor` are read
 *   as the file.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIPPED_DIRS = new Set([
	'node_modules',
	'build',
	'.data',
	'.git',
	'.svelte-kit',
	'test-results'
]);
const BASES = ['', 'src', 'src/lib', 'src/lib/server'];
const FILE_NAME = /^[\w.+-]+\.(ts|js|mjs|svelte|md|sh|json|ya?ml|cfg|ini|conf|sql|html|css)$/;
const GENERATED = /^(build|\.data|node_modules|\.svelte-kit|test-results)\//;

/** The top-level folders a path reference may start with, from each place it is tried. */
function firstFolders(base: string): string[] {
	return readdirSync(path.join(ROOT, base), { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && !SKIPPED_DIRS.has(entry.name))
		.map((entry) => entry.name);
}
const STARTS = new Set([...BASES.flatMap(firstFolders), 'server', 'routes', '$lib']);

function docs(): string[] {
	const inDocs = readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`);
	return ['README.md', ...inDocs];
}

interface Reference {
	doc: string;
	line: number;
	/** Which section (under which heading) of the doc it is in. */
	section: number;
	ref: string;
}

/** The references in one doc that read as paths, in order. */
function referencesIn(doc: string): Reference[] {
	const found: Reference[] = [];
	const lines = readFileSync(path.join(ROOT, doc), 'utf8').split('\n');
	let fenced = false;
	let section = 0;
	lines.forEach((text, i) => {
		if (text.trimStart().startsWith('```')) fenced = !fenced;
		if (!fenced && text.startsWith('#')) section++;
		if (fenced) return;
		const candidates = [
			...[...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]),
			...[...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
		];
		for (const raw of candidates) {
			const ref = raw.replace(/#.*$/, '').replace(/:\d+(-\d+)?$/, '');
			if (!ref || /[<>*…{}|]|^[a-z]+:|^\/|^\.\.?$/.test(ref) || GENERATED.test(ref)) continue;
			const first = ref.split('/')[0];
			if (ref.includes('/') ? STARTS.has(first) : FILE_NAME.test(ref)) {
				found.push({ doc, line: i + 1, section, ref });
			}
		}
	});
	return found;
}

/** Where a reference with a slash may point, relative to the repository root. */
function placesOf(doc: string, ref: string): string[] {
	if (ref.startsWith('$lib/')) return [path.join('src/lib', ref.slice(5))];
	if (ref.startsWith('server/')) return [path.join('src/lib', ref)];
	if (ref.startsWith('routes/')) return [path.join('src', ref)];
	return [...BASES.map((base) => path.join(base, ref)), path.join(path.dirname(doc), ref)];
}

/** The references of one doc that point nowhere. */
function missingIn(doc: string): Reference[] {
	let section = -1;
	let folders: string[] = [];
	return referencesIn(doc).filter((reference) => {
		const { ref } = reference;
		if (reference.section !== section) {
			section = reference.section;
			folders = ['.', path.dirname(doc)];
		}
		if (!ref.includes('/')) {
			return !folders.some((folder) => existsSync(path.join(ROOT, folder, ref)));
		}
		const found = placesOf(doc, ref).find((place) => existsSync(path.join(ROOT, place)));
		if (found) folders.push(ref.endsWith('/') ? found : path.dirname(found));
		return !found;
	});
}

describe('the paths the docs name', () => {
	it('finds references to check in every doc', () => {
		for (const doc of docs()) expect(referencesIn(doc).length, doc).toBeGreaterThan(0);
	});

	it('all exist', () => {
		const missing = docs()
			.flatMap(missingIn)
			.map(({ doc, line, ref }) => `${doc}:${line}  ${ref}`);
		expect(missing, `paths the docs name that do not exist:\n${missing.join('\n')}`).toEqual([]);
	});

	it('reads the abbreviations, and a moved file as missing', () => {
		const exists = (ref: string) =>
			placesOf('docs/ARCHITECTURE.md', ref).some((place) => existsSync(path.join(ROOT, place)));
		expect(exists('server/live/state.ts')).toBe(true);
		expect(exists('live/state.ts')).toBe(true);
		expect(exists('$lib/live/sync.ts')).toBe(true);
		expect(exists('CLUSTER.md')).toBe(true);
		expect(exists('server/live/gone.ts')).toBe(false);
		expect(exists('$lib/live/state.ts')).toBe(false);
	});
});
