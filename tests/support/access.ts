import type { RowDataPacket } from 'mysql2/promise';
import { io as connectSocket } from 'socket.io-client';
import type { SubscribeReply } from '../../src/lib/realtime';
import type { LiveClient, Stack } from './stack';

/**
 * Helpers for access tests against the production server (`stack.startServer()`): form actions
 * read as JSON, the dashboard database, and sockets that report a refused handshake.
 */

/** The thresholds form as the page posts it: valid values, for the given tenant and queue fields. */
export function thresholdsForm(tenantId: string, queueId: string): Record<string, string> {
	return {
		tenantId,
		queueId,
		waitAmberSeconds: '30',
		waitRedSeconds: '60',
		talkAmberSeconds: '300',
		talkRedSeconds: '600',
		acwAmberSeconds: '30',
		acwRedSeconds: '60',
		serviceLevelSeconds: '20',
		serviceLevelTargetPct: '80'
	};
}

/**
 * A form POST as a browser without JavaScript sends it (`accept: text/html`): redirects are 303s
 * and a `fail(400)` renders the page with status 400. (Without an accept header SvelteKit answers
 * as to `use:enhance`, in JSON.)
 */
export function browserPost(
	stack: Stack,
	path: string,
	form: Record<string, string | string[]>,
	cookie = ''
): Promise<Response> {
	return stack.post(path, form, cookie, { accept: 'text/html,application/xhtml+xml' });
}

/** A form action's answer as `use:enhance` receives it. */
export interface ActionResult {
	httpStatus: number;
	type: 'success' | 'failure' | 'redirect' | 'error';
	status: number;
	data: Record<string, unknown>;
	location?: string;
	error?: { message?: string };
}

/** Posts a form action the way `use:enhance` does and decodes the answer. */
export async function postAction(
	stack: Stack,
	path: string,
	form: Record<string, string | string[]>,
	cookie = ''
): Promise<ActionResult> {
	const response = await stack.post(path, form, cookie, {
		accept: 'application/json',
		'x-sveltekit-action': 'true'
	});
	const text = await response.text();
	if (!(response.headers.get('content-type') ?? '').includes('json')) {
		return { httpStatus: response.status, type: 'error', status: response.status, data: {} };
	}
	const json = JSON.parse(text) as {
		type: ActionResult['type'];
		status?: number;
		data?: string;
		location?: string;
		error?: { message?: string };
	};
	return {
		httpStatus: response.status,
		type: json.type,
		status: json.status ?? response.status,
		data: json.data ? (unflatten(json.data) as Record<string, unknown>) : {},
		location: json.location,
		error: json.error
	};
}

/** The Administrators page's wall-token form, posted as `use:enhance` does. */
export function createWallToken(
	stack: Stack,
	cookie: string,
	form: { label: string; tenantId: number; queueIds?: number[] }
): Promise<ActionResult> {
	const fields: Record<string, string | string[]> = {
		label: form.label,
		tenantId: String(form.tenantId)
	};
	if (form.queueIds) fields.queueIds = form.queueIds.map(String);
	return postAction(stack, '/admin?/createWallToken', fields, cookie);
}

/**
 * Decodes devalue's flat JSON (what SvelteKit uses for action data) for plain values: objects,
 * arrays, strings, numbers, booleans, null and undefined. Enough for form answers.
 */
export function unflatten(text: string): unknown {
	const values = JSON.parse(text) as unknown[];
	const hydrate = (index: number): unknown => {
		if (index === -1) return undefined;
		if (index < 0) return null;
		const value = values[index];
		if (Array.isArray(value)) {
			if (typeof value[0] === 'string') throw new Error(`devalue type ${value[0]} not handled`);
			return value.map((i: number) => hydrate(i));
		}
		if (value && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value as Record<string, number>).map(([k, i]) => [k, hydrate(i)])
			);
		}
		return value;
	};
	return hydrate(0);
}

/** Rows from the stack's dashboard database (users, sessions, audit_log, …). */
export async function dashRows(
	stack: Stack,
	sql: string,
	params: unknown[] = []
): Promise<RowDataPacket[]> {
	const conn = await stack.admin.getConnection();
	try {
		await conn.query(`USE \`${stack.dashDb}\``);
		const [rows] = await conn.query<RowDataPacket[]>(sql, params);
		return rows;
	} finally {
		conn.release();
	}
}

export async function dashCount(stack: Stack, sql: string, params: unknown[] = []) {
	const rows = await dashRows(stack, sql, params);
	return Number(Object.values(rows[0])[0]);
}

/**
 * Opens a socket without reconnection; resolves once connected, rejects with the refusal.
 * `origin` sends an Origin header, as a browser page on that origin would; `address` an
 * X-Forwarded-For, as a proxy in front of a server with ADDRESS_HEADER=x-forwarded-for would.
 */
export function openSocket(
	url: string,
	credentials: { cookie?: string; wallToken?: string; origin?: string; address?: string } = {},
	opened: LiveClient[] = []
): Promise<LiveClient> {
	const headers: Record<string, string> = {};
	if (credentials.cookie) headers.cookie = credentials.cookie;
	if (credentials.origin) headers.origin = credentials.origin;
	if (credentials.address) headers['x-forwarded-for'] = credentials.address;
	const socket: LiveClient = connectSocket(url, {
		transports: ['websocket'],
		extraHeaders: headers,
		auth: credentials.wallToken ? { wallToken: credentials.wallToken } : {},
		forceNew: true,
		reconnection: false,
		timeout: 5000
	});
	opened.push(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error) => {
			socket.close();
			reject(error);
		});
	});
}

export function subscribe(socket: LiveClient, request: unknown = {}): Promise<SubscribeReply> {
	return new Promise((resolve) => socket.emit('live:subscribe', request, resolve));
}

/** Resolves when the socket is closed by the server, with the `session:ended` reason if any. */
export function whenEnded(
	socket: LiveClient,
	timeoutMs = 5000
): Promise<{ reason: string | null; disconnect: string }> {
	let reason: string | null = null;
	socket.on('session:ended', (message) => (reason = message.reason));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`socket still open after ${timeoutMs} ms`)),
			timeoutMs
		);
		socket.once('disconnect', (why) => {
			clearTimeout(timer);
			// session:ended is sent right before the close; let it be processed first.
			setTimeout(() => resolve({ reason, disconnect: why }), 0);
		});
	});
}
