import * as v from 'valibot';

/**
 * Query strings and form bodies, read through valibot schemas like the socket messages are:
 * one schema per field, one message per failing field, the same in the browser and the server.
 */

export type FieldSchema = v.GenericSchema<string, unknown>;
export type FieldSchemas = Record<string, FieldSchema>;

export interface ParsedFields<S extends FieldSchemas> {
	/** Fields that were given and valid; absent or empty fields are left out. */
	values: { [K in keyof S]?: v.InferOutput<S[K]> };
	/** The first problem of each invalid field, in words a person can act on. */
	errors: Partial<Record<keyof S, string>>;
}

export function parseFields<S extends FieldSchemas>(
	source: URLSearchParams | FormData,
	schemas: S
): ParsedFields<S> {
	const values: ParsedFields<S>['values'] = {};
	const errors: ParsedFields<S>['errors'] = {};
	for (const key of Object.keys(schemas) as (keyof S & string)[]) {
		const given = source.getAll(key);
		if (given.length === 0 || given[0] === '') continue;
		// Two values for one field make an address mean two things: say so instead of picking one.
		if (given.length > 1) {
			errors[key] = `${key} is given more than once`;
			continue;
		}
		const parsed = v.safeParse(schemas[key], typeof given[0] === 'string' ? given[0] : '');
		if (parsed.success) values[key] = parsed.output;
		else errors[key] = parsed.issues[0].message;
	}
	return { values, errors };
}

/** A database id as text: a positive integer of up to 10 digits, without a leading zero. */
export const ID_TEXT = /^[1-9]\d{0,9}$/;

/** A BIGINT UNSIGNED id as text (interactions, CRM contacts): up to 20 digits, no leading zero. */
export const BIG_ID_TEXT = /^[1-9]\d{0,19}$/;

/** A database id: a positive integer of up to 10 digits. */
export const idField = (message: string) =>
	v.pipe(v.string(), v.regex(ID_TEXT, message), v.transform(Number));

/**
 * One id of a repeated form field (checkbox groups) as a number: NaN unless the text is exactly
 * an id, so ` 1`, `+1` or `01` fail validation instead of passing as 1.
 */
export function idOf(text: unknown): number {
	return typeof text === 'string' && ID_TEXT.test(text) ? Number(text) : NaN;
}

/** An integer within [min, max]. */
export const intField = (min: number, max: number, message: string) =>
	v.pipe(
		v.string(),
		v.regex(/^\d{1,9}$/, message),
		v.transform(Number),
		v.minValue(min, message),
		v.maxValue(max, message)
	);

/** Free text, trimmed, of at most `max` characters. */
export const textField = (max: number) =>
	v.pipe(v.string(), v.trim(), v.maxLength(max, `At most ${max} characters`));

/** One of a fixed list of words. */
export const choiceField = <const T extends readonly string[]>(options: T, message: string) =>
	v.pipe(v.string(), v.picklist(options, message));
