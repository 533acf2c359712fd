/**
 * Closes `npm test` (scripts/test.sh) with one line for the whole suite, "tests: N passed, N
 * failed", after checking that the run left nothing running: any process whose command line
 * points into the run's directory, or that inherited its IL_RUN_DIR, is named, stopped, and
 * fails the run. Runs on every exit of test.sh, interrupted or failed too.
 *
 * tsx scripts/test-summary.ts --run-dir DIR [--status N] [vitest.json] [playwright.json]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeLeftovers, findLeftovers, findReapers, stopLeftovers } from './lib/leftovers';
import { LEFTOVERS_FILE } from './lib/run-dir';
import { sleep } from './lib/system';

const { values, positionals } = parseArgs({
	options: { 'run-dir': { type: 'string' }, status: { type: 'string', default: '0' } },
	allowPositionals: true
});
const runDir = values['run-dir'];
const status = Number(values.status);
const [vitestFile, playwrightFile] = positionals;

let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
if (vitestFile && existsSync(vitestFile)) {
	const report = JSON.parse(readFileSync(vitestFile, 'utf8')) as {
		numPassedTests: number;
		numFailedTests: number;
		numPendingTests: number;
	};
	passed += report.numPassedTests;
	failed += report.numFailedTests;
	skipped += report.numPendingTests;
	reports++;
}
if (playwrightFile && existsSync(playwrightFile)) {
	const report = JSON.parse(readFileSync(playwrightFile, 'utf8')) as {
		stats: { expected: number; unexpected: number; flaky: number; skipped: number };
	};
	passed += report.stats.expected + report.stats.flaky;
	failed += report.stats.unexpected;
	skipped += report.stats.skipped;
	reports++;
}

let leftovers = 0;
if (runDir) {
	// What the runners' own checks found and stopped (RunDir.finish): they may still exit 0.
	const reportedFile = path.join(runDir, LEFTOVERS_FILE);
	const reported = existsSync(reportedFile) ? readFileSync(reportedFile, 'utf8') : '';
	if (reported) {
		console.log(`Still running after the services were stopped (found by the runner, stopped):`);
		console.log(reported.trimEnd());
		leftovers += reported.trimEnd().split('\n').length;
	}
	// After Ctrl-C a runner's reaper may still be stopping what it owned: let it finish first.
	const deadline = Date.now() + 30_000;
	while (findReapers([runDir]).length > 0 && Date.now() < deadline) await sleep(200);
	const found = findLeftovers([runDir]);
	leftovers += found.length;
	if (found.length > 0) {
		console.log(`Still running after the tests, started by this run (stopping them now):`);
		console.log(describeLeftovers(found));
		await stopLeftovers(found);
	}
}

const parts = [`${passed} passed`, `${failed} failed`];
if (skipped) parts.push(`${skipped} skipped`);
if (leftovers) parts.push(`${leftovers} process${leftovers === 1 ? '' : 'es'} left running`);
if (status !== 0 && reports < positionals.length) parts.push(`stopped early (exit ${status})`);
console.log(`tests: ${parts.join(', ')}`);
process.exit(status !== 0 ? status : failed > 0 || leftovers > 0 ? 1 : 0);
