/**
 * The Prometheus text exposition format, read back: what each metric is declared as (# TYPE)
 * and its samples with their labels. Enough for tests; not a full parser (no escapes in labels).
 */

export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

export interface Exposition {
	types: Map<string, string>;
	samples: Sample[];
}

export function parseExposition(text: string): Exposition {
	const types = new Map<string, string>();
	const samples: Sample[] = [];
	for (const line of text.split('\n')) {
		const type = /^# TYPE (\S+) (\S+)$/.exec(line);
		if (type) types.set(type[1], type[2]);
		if (line === '' || line.startsWith('#')) continue;
		const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		if (!match) throw new Error(`not an exposition line: ${line}`);
		const labels: Record<string, string> = {};
		for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[key] = value;
		samples.push({ name: match[1], labels, value: Number(match[3]) });
	}
	return { types, samples };
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(
	exposition: Exposition,
	name: string,
	labels: Record<string, string> = {}
): number {
	const found = exposition.samples.filter(
		(s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
	);
	if (found.length !== 1)
		throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
	return found[0].value;
}

/** The label names a metric's samples carry (histogram `le` left out). */
export function labelNamesOf(exposition: Exposition, name: string): string[] {
	const names = new Set<string>();
	for (const sample of exposition.samples) {
		if (sample.name !== name && !sample.name.startsWith(`${name}_`)) continue;
		for (const key of Object.keys(sample.labels)) if (key !== 'le') names.add(key);
	}
	return [...names].sort();
}
