import * as v from 'valibot';
import { BIG_ID_TEXT, ID_TEXT } from '$lib/params';

/**
 * Whose history a window shows: a client by CRM contact or by phone number, or an agent. The
 * same key travels in the page address (`win=contact:<id>`) and the API (`?contact=<id>`).
 */

const PERSON_VALUE = {
	contact: v.pipe(v.string(), v.regex(BIG_ID_TEXT, 'contact must be a CRM id (no leading zeros)')),
	phone: v.pipe(v.string(), v.minLength(1), v.maxLength(32, 'phone is up to 32 characters')),
	agent: v.pipe(v.string(), v.regex(ID_TEXT, 'agent must be an agent id (no leading zeros)'))
} as const;

export type PersonParam = keyof typeof PERSON_VALUE;
export const PERSON_PARAMS = Object.keys(PERSON_VALUE) as PersonParam[];

export interface PersonKey {
	param: PersonParam;
	value: string;
}

/** An open history window, as the page receives it. */
export interface HistoryWindowKey extends PersonKey {
	kind: 'client' | 'agent';
	title: string;
}

export function isPersonParam(param: string): param is PersonParam {
	return Object.hasOwn(PERSON_VALUE, param);
}

/** The key, or a message saying what is wrong with it. */
export function parsePersonKey(param: string, value: string): PersonKey | { error: string } {
	if (!isPersonParam(param)) return { error: `Unknown history kind ${param}` };
	const parsed = v.safeParse(PERSON_VALUE[param], value);
	return parsed.success ? { param, value } : { error: parsed.issues[0].message };
}

/** `win=` of the page address: `contact:<id>`, `phone:<number>` or `agent:<id>`. */
export function parseWindowParam(win: string): PersonKey | { error: string } {
	const colon = win.indexOf(':');
	if (colon < 0) return { error: 'win must be kind:value' };
	return parsePersonKey(win.slice(0, colon), win.slice(colon + 1));
}
