/**
 * npm run mutate [-- [--no-baseline] id ...]: proves the suite guards the enforcement lines.
 * Each mutant of scripts/lib/mutants.ts is applied alone, the app rebuilt (integration and
 * browser tests run the built server), the tests chosen for it run, and the file restored —
 * always: after the run, on an error, on Ctrl-C. Writes bench/MUTATION.md. Not part of npm
 * test: it takes a while.
 *
 * First the chosen test files run once without any mutant (the baseline; skip it with
 * --no-baseline): a kill only counts if they pass on today's code. A mutant is killed when at
 * least one test fails; a run that fails without a failing test (a crash, a failed build, a
 * file whose tests never ran) is reported as an error, not as a kill. Exit status 1 when any
 * mutant survived or errored.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MUTANTS, mutantProblems, type Mutant } from './lib/mutants';
import { mutationReport, type Outcome } from './lib/mutation-report';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const logs = mkdtempSync(path.join(tmpdir(), 'il-mutate-'));

/** The file under mutation and its original text, for every way out of this process. */
let applied: { file: string; original: string } | null = null;

function restore(): void {
	if (!applied) return;
	writeFileSync(applied.file, applied.original);
	console.log(`  restored ${applied.file}`);
	applied = null;
}

/** The running build or test command: its own process group, so it can be ended whole. */
let current: ChildProcess | null = null;

function onSignal(signal: NodeJS.Signals): void {
	if (current?.pid) {
		try {
			process.kill(-current.pid, 'SIGTERM');
		} catch {
			// already gone
		}
	}
	const wasApplied = applied !== null;
	restore();
	if (wasApplied) {
		console.log('  rebuilding the unmutated app (build/ held a mutant)…');
		const build = spawnSync(bin('tsx'), ['scripts/build.ts'], { stdio: 'inherit' });
		if (build.status !== 0) console.log('  ⚠ rebuild failed: run `npm run build` yourself.');
	}
	process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', restore);

/** Every mutant must match exactly once before anything is touched. */
function checkMutants(mutants: Mutant[]): void {
	const problems = mutantProblems(mutants);
	if (problems.length > 0) {
		console.error(
			`The code moved: update scripts/lib/mutants.ts (each find text must match exactly once).\n  ${problems.join('\n  ')}`
		);
		process.exit(2);
	}
}

const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function run(command: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}) {
	return new Promise<number>((resolve) => {
		const child = spawn(bin(command), args, {
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true
		});
		current = child;
		const out: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => out.push(chunk));
		child.on('error', (error) => out.push(Buffer.from(`\n${String(error)}\n`)));
		child.on('close', (code) => {
			current = null;
			writeFileSync(log, Buffer.concat(out), { flag: 'a' });
			resolve(code ?? 1);
		});
	});
}

const build = (log: string) => run('tsx', ['scripts/build.ts'], log);

interface VitestReport {
	testResults: {
		name: string;
		message?: string;
		assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
	}[];
}

interface PlaywrightSuite {
	title: string;
	suites?: PlaywrightSuite[];
	specs?: { title: string; ok: boolean; file: string }[];
}

/**
 * Runs a mutant's tests; returns the names of the failed tests, and errors: a file whose tests
 * did not run, a runner that failed without a failed test.
 */
async function runTests(m: Mutant, log: string): Promise<{ failed: string[]; errors: string[] }> {
	const failed: string[] = [];
	const errors: string[] = [];
	const vitestFiles = m.tests.filter((t) => !t.startsWith('tests/browser/'));
	const browserFiles = m.tests.filter((t) => t.startsWith('tests/browser/'));
	if (vitestFiles.length > 0) {
		const json = path.join(logs, `${m.id}.vitest.json`);
		const code = await run(
			'vitest',
			['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${json}`, ...vitestFiles],
			log
		);
		const report: VitestReport = existsSync(json)
			? (JSON.parse(readFileSync(json, 'utf8')) as VitestReport)
			: { testResults: [] };
		for (const wanted of vitestFiles) {
			const file = report.testResults.find((r) => path.relative(root, r.name) === wanted);
			const bad = file?.assertionResults.filter((a) => a.status === 'failed') ?? [];
			for (const a of bad) failed.push([wanted, ...a.ancestorTitles, a.title].join(' › '));
			// A file that never ran its tests proves nothing either way.
			if (!file?.assertionResults.some((a) => a.status === 'passed' || a.status === 'failed')) {
				errors.push(
					`${wanted}: no test ran${file?.message ? ` (${file.message.split('\n')[0]})` : ''}`
				);
			}
		}
		if (code !== 0 && failed.length === 0)
			errors.push(`vitest exited ${code} without a failed test`);
	}
	if (browserFiles.length > 0) {
		const json = path.join(logs, `${m.id}.playwright.json`);
		const before = failed.length;
		const code = await run('playwright', ['test', '--reporter=line,json', ...browserFiles], log, {
			PLAYWRIGHT_JSON_OUTPUT_NAME: json
		});
		if (!existsSync(json)) errors.push('playwright wrote no report');
		else {
			const walk = (suite: PlaywrightSuite, titles: string[]) => {
				for (const spec of suite.specs ?? []) {
					if (!spec.ok) failed.push(`${spec.file} › ${[...titles, spec.title].join(' › ')}`);
				}
				for (const child of suite.suites ?? [])
					walk(child, child.title ? [...titles, child.title] : titles);
			};
			const report = JSON.parse(readFileSync(json, 'utf8')) as { suites: PlaywrightSuite[] };
			for (const suite of report.suites) walk(suite, []);
		}
		if (code !== 0 && failed.length === before) {
			errors.push(`playwright exited ${code} without a failed test`);
		}
	}
	return { failed, errors };
}

async function mutate(m: Mutant): Promise<Outcome> {
	const started = Date.now();
	const log = path.join(logs, `${m.id}.log`);
	const original = readFileSync(m.file, 'utf8');
	applied = { file: m.file, original };
	writeFileSync(
		m.file,
		original.replace(m.find, () => m.replace)
	);
	const done = (result: Outcome['result'], failed: string[], detail: string): Outcome => ({
		mutant: m,
		result,
		failed,
		detail,
		seconds: Math.round((Date.now() - started) / 1000)
	});
	try {
		if ((await build(log)) !== 0) return done('error', [], 'the mutant does not build');
		const { failed, errors } = await runTests(m, log);
		if (failed.length > 0) return done('killed', failed, '');
		if (errors.length > 0) return done('error', [], errors.join('; '));
		return done('survived', [], '');
	} finally {
		restore();
	}
}

/** A kill only means something if the same tests pass without the mutant: run them once first. */
async function checkBaseline(mutants: Mutant[]): Promise<void> {
	const tests = [...new Set(mutants.flatMap((m) => m.tests))];
	console.log(`▸ baseline: ${tests.length} test files on the unmutated app`);
	const log = path.join(logs, 'baseline.log');
	if ((await build(log)) !== 0) {
		console.error(`  the app does not build: see ${log}`);
		process.exit(1);
	}
	const { failed, errors } = await runTests({ ...mutants[0], id: 'baseline', tests }, log);
	if (failed.length > 0 || errors.length > 0) {
		console.error(
			`  the tests fail without any mutant; fix that first (or --no-baseline):\n  ${[...failed, ...errors].join('\n  ')}`
		);
		process.exit(1);
	}
	console.log('  green');
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const baseline = !args.includes('--no-baseline');
	const wanted = args.filter((arg) => arg !== '--no-baseline');
	const unknown = wanted.filter((id) => !MUTANTS.some((m) => m.id === id));
	if (unknown.length > 0) {
		console.error(
			`Unknown mutant ${unknown.join(', ')}. Known: ${MUTANTS.map((m) => m.id).join(', ')}`
		);
		process.exit(2);
	}
	const mutants = wanted.length > 0 ? MUTANTS.filter((m) => wanted.includes(m.id)) : MUTANTS;
	checkMutants(mutants);
	const startedAt = new Date();
	console.log(`▸ ${mutants.length} mutants; logs in ${logs}`);
	if (baseline) await checkBaseline(mutants);
	const outcomes: Outcome[] = [];
	for (const [i, m] of mutants.entries()) {
		console.log(`▸ [${i + 1}/${mutants.length}] ${m.id}: ${m.what}`);
		const outcome = await mutate(m);
		outcomes.push(outcome);
		const by =
			outcome.failed.length > 0
				? ` by ${outcome.failed.length} test(s), e.g. ${outcome.failed[0]}`
				: '';
		console.log(
			`  ${outcome.result}${by}${outcome.detail ? ` — ${outcome.detail}` : ''} (${outcome.seconds} s)`
		);
	}
	console.log('▸ rebuilding the unmutated app');
	if ((await build(path.join(logs, 'final-build.log'))) !== 0) {
		console.error('  ⚠ the final build failed: run `npm run build`');
	}
	writeFileSync(
		'bench/MUTATION.md',
		mutationReport(outcomes, { startedAt, partial: wanted.length > 0, baseline })
	);
	console.log('▸ wrote bench/MUTATION.md');
	process.exit(outcomes.every((o) => o.result === 'killed') ? 0 : 1);
}

main().catch((error: unknown) => {
	restore();
	console.error(error);
	process.exit(1);
});
