import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmt, type Summary } from './stats';

/**
 * Every figure of a run in one place: the summary table (printed and written), per-suite
 * details, ratios, and what went wrong. A suite that fails leaves its error here, not a crash.
 */

export interface Figure {
	suite: string;
	name: string;
	unit: string;
	median?: number;
	p95?: number;
	p99?: number;
	/** A single value (a rate, a count): shown in the median column. */
	value?: number;
	target?: string;
	met?: boolean;
}

export class Report {
	readonly figures: Figure[] = [];
	readonly details = new Map<string, string[]>();
	readonly ratios: string[] = [];
	readonly problems: string[] = [];
	readonly durations = new Map<string, number>();

	add(figure: Figure): Figure {
		this.figures.push(figure);
		return figure;
	}

	/** Adds a latency-like figure from a summary. */
	dist(suite: string, name: string, unit: string, s: Summary, target?: string, met?: boolean) {
		return this.add({ suite, name, unit, median: s.median, p95: s.p95, p99: s.p99, target, met });
	}

	detail(suite: string, line: string): void {
		const lines = this.details.get(suite) ?? [];
		lines.push(line);
		this.details.set(suite, lines);
	}

	ratio(line: string): void {
		this.ratios.push(line);
	}

	problem(line: string): void {
		this.problems.push(line);
	}

	#cells(f: Figure): string[] {
		const unit = (v: number | undefined) => (v === undefined ? '–' : `${fmt(v)} ${f.unit}`.trim());
		const met = f.met === undefined ? '–' : f.met ? 'yes' : 'NO';
		return [
			f.suite,
			f.name,
			unit(f.value ?? f.median),
			unit(f.p95),
			unit(f.p99),
			f.target ?? '',
			met
		];
	}

	table(markdown: boolean): string {
		const head = ['suite', 'figure', 'median / value', 'p95', 'p99', 'target', 'met'];
		const rows = this.figures.map((f) => this.#cells(f));
		if (markdown) {
			const line = (cells: string[]) =>
				`| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
			return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
		}
		const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
		const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
		return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
	}

	write(file: string, header: string[]): void {
		const out: string[] = [...header, '', '## Figures', '', this.table(true), ''];
		if (this.ratios.length) out.push('## Ratios', '', ...this.ratios.map((r) => `- ${r}`), '');
		for (const [suite, lines] of this.details) {
			out.push(`## ${suite}`, '');
			out.push(...lines.map((l) => (l.startsWith('|') || l.startsWith('  ') ? l : `- ${l}`)), '');
		}
		if (this.problems.length)
			out.push('## Problems', '', ...this.problems.map((p) => `- ${p}`), '');
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, out.join('\n'));
	}
}
