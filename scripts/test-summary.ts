/** Prints one closing line for the whole suite: "tests: N passed, N failed". */
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const [vitestFile, playwrightFile] = process.argv.slice(2);

if (vitestFile && existsSync(vitestFile)) {
	const report = JSON.parse(readFileSync(vitestFile, 'utf8')) as {
		numPassedTests: number;
		numFailedTests: number;
		numPendingTests: number;
	};
	passed += report.numPassedTests;
	failed += report.numFailedTests;
	skipped += report.numPendingTests;
}
if (playwrightFile && existsSync(playwrightFile)) {
	const report = JSON.parse(readFileSync(playwrightFile, 'utf8')) as {
		stats: { expected: number; unexpected: number; flaky: number; skipped: number };
	};
	passed += report.stats.expected + report.stats.flaky;
	failed += report.stats.unexpected;
	skipped += report.stats.skipped;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
