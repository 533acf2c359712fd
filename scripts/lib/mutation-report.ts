import { spawnSync } from 'node:child_process';
import type { Mutant } from './mutants';

/** bench/MUTATION.md: what `npm run mutate` did to each enforcement line, and what noticed. */

export interface Outcome {
	mutant: Mutant;
	result: 'killed' | 'survived' | 'error';
	/** Failed tests, as `file › describe › test`. */
	failed: string[];
	detail: string;
	seconds: number;
}

export interface RunInfo {
	startedAt: Date;
	/** Only some mutants were asked for. */
	partial: boolean;
	baseline: boolean;
}

function gitHead(): string {
	const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
	const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
		encoding: 'utf8'
	});
	return `${head.stdout.trim()}${dirty.stdout.trim() ? ' (with uncommitted changes)' : ''}`;
}

/** Inline code that may itself hold backticks; tabs and newlines shown compactly. */
function code(text: string): string {
	const flat = text.replaceAll('\n', ' ⏎ ').replaceAll(/\t+/g, '');
	return flat.includes('`') ? `\`\` ${flat} \`\`` : `\`${flat}\``;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** Tests that run the app the way a user reaches it first, unit specs after. */
function killedBy(failed: string[]): string {
	const ordered = [...failed].sort(
		(a, b) => Number(a.startsWith('tests/unit/')) - Number(b.startsWith('tests/unit/'))
	);
	const shown = ordered.slice(0, 3).map(cell).join('<br>');
	return failed.length > 3 ? `${shown}<br>… and ${failed.length - 3} more` : shown;
}

export function mutationReport(outcomes: Outcome[], run: RunInfo): string {
	const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
	const minutes = Math.round((Date.now() - run.startedAt.getTime()) / 60_000);
	const command = `npm run mutate${run.partial ? ` -- ${outcomes.map((o) => o.mutant.id).join(' ')}` : ''}`;
	const lines = [
		'# Mutation check',
		'',
		`Run ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${gitHead()} by`,
		`\`${command}\` (${minutes} min). Each enforcement line of \`scripts/lib/mutants.ts\` was`,
		'replaced alone, the app rebuilt, the listed test files run against it, and the line restored.',
		run.baseline
			? 'The same test files first passed without any mutant (the baseline).'
			: 'The baseline run was skipped (`--no-baseline`).',
		'',
		`**${count('killed')} killed, ${count('survived')} survived, ${count('error')} errors** of ${outcomes.length} mutants.`,
		'',
		'| mutant | removed | file | result | killed by (failed tests) | s |',
		'| --- | --- | --- | --- | --- | --- |'
	];
	for (const o of outcomes) {
		const by =
			o.result === 'killed'
				? killedBy(o.failed)
				: cell(o.detail) || `none of ${o.mutant.tests.join(', ')}`;
		const result = o.result === 'killed' ? 'killed' : `**${o.result}**`;
		lines.push(
			`| \`${o.mutant.id}\` | ${cell(o.mutant.what)} | \`${o.mutant.file}\` | ${result} | ${by} | ${o.seconds} |`
		);
	}
	lines.push('', '## The mutants', '');
	for (const o of outcomes) {
		lines.push(`- \`${o.mutant.id}\`: ${code(o.mutant.find)} → ${code(o.mutant.replace)}`);
	}
	const survivors = outcomes.filter((o) => o.result !== 'killed');
	lines.push('', '## Survivors', '');
	if (survivors.length === 0) lines.push('None.');
	for (const o of survivors) {
		lines.push(`- \`${o.mutant.id}\` (${o.result}): explain why, or add the test that kills it.`);
	}
	return lines.join('\n') + '\n';
}
