import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { idField, idOf, parseFields } from '$lib/params';
import { UserInputError } from '$lib/server/auth/users';
import { formDataOr400 } from '$lib/server/http/form';
import { boardOptionProblems } from '$lib/wall/board-options';
import type { Lookups } from '$lib/server/lookups';
import {
	boundTenantId,
	canManageAccount,
	manageableTenants,
	visibleQueues,
	type Manager
} from '$lib/server/scope';
import { requireManager } from '$lib/server/scope/http';
import type { Actions, PageServerLoad } from './$types';

/**
 * Administrators page: platform admins manage every account; a Contact Center Admin manages the
 * admins and supervisors of its own tenant only. Anything else answers 404.
 */

const WALL_TOKEN_FIELDS = {
	label: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Name the screen (1–128 characters)'),
		v.maxLength(128, 'Name the screen (1–128 characters)')
	),
	tenantId: idField('Choose a tenant')
};

/**
 * A board's rotation and grouping, from the token form: they belong to the screen's address (the
 * wall reads them there), so they are checked by the wall's own rule and put into the address.
 */
function boardOptionsOf(form: FormData): URLSearchParams {
	const options = new URLSearchParams();
	for (const key of ['group', 'rotate']) {
		const value = String(form.get(key) ?? '').trim();
		if (value !== '') options.set(key, value);
	}
	return options;
}

function tenantsAndQueues(lookups: Lookups, manager: Manager) {
	const tenants = manageableTenants(manager, lookups);
	const queues = tenants
		.flatMap((tenant) => visibleQueues({ tenantId: tenant.id, queues: 'all' }, lookups))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { tenants, queues };
}

export const load: PageServerLoad = async ({ locals }) => {
	const manager = requireManager(locals.viewer);
	const tenantId = boundTenantId(manager);
	const users = (await locals.users.list(tenantId === null ? {} : { tenantId })).filter((u) =>
		canManageAccount(manager, u)
	);
	return {
		...tenantsAndQueues(locals.lookups, manager),
		users,
		wallTokens: await locals.auth.wallTokens.list(tenantId),
		canCreatePlatformAdmins: manager.role === 'platform_admin'
	};
};

/** Reads the user form into the shape Users validates; numbers stay strict. */
function userFormInput(form: FormData) {
	const numbers = (key: string) => form.getAll(key).map(idOf);
	const tenant = String(form.get('tenantId') ?? '');
	const password = String(form.get('password') ?? '');
	return {
		username: String(form.get('username') ?? ''),
		displayName: String(form.get('displayName') ?? ''),
		role: String(form.get('role') ?? ''),
		tenantId: tenant === '' ? null : idOf(tenant),
		queueIds: numbers('queueIds'),
		permissions: form.getAll('permissions').map(String),
		password: password === '' ? undefined : password,
		disabled: form.get('disabled') === 'on'
	};
}

export const actions: Actions = {
	saveUser: async ({ request, locals }) => {
		const manager = requireManager(locals.viewer);
		const form = await formDataOr400(request);
		const input = userFormInput(form);
		// No id (or 0): a new account; an id that is not exactly one names no account at all.
		const idText = form.get('id') || '0';
		const id = idText === '0' ? 0 : idOf(idText);
		if (Number.isNaN(id)) error(404, 'Not found');
		const values = { ...input, password: undefined, id };
		// A CC Admin works inside its tenant only, whatever the form says.
		if (!canManageAccount(manager, input)) {
			return fail(400, {
				values,
				errors: { role: 'You can manage accounts of your tenant only' }
			});
		}
		try {
			if (id) {
				const existing = await locals.users.get(id);
				if (!existing || !canManageAccount(manager, existing)) error(404, 'Not found');
				// Open sockets follow at once, wherever the dashboard database lives.
				await locals.accounts.updateUser(manager, id, input);
			} else {
				await locals.accounts.createUser(manager, input);
			}
		} catch (e) {
			if (e instanceof UserInputError) return fail(400, { values, errors: e.fields });
			throw e;
		}
		return { saved: input.username };
	},

	createWallToken: async ({ request, locals }) => {
		const { lookups } = locals;
		const manager = requireManager(locals.viewer);
		const form = await formDataOr400(request);
		const parsed = parseFields(form, WALL_TOKEN_FIELDS);
		const { values } = parsed;
		const errors: Record<string, string> = { ...parsed.errors };
		const label = values.label ?? '';
		const tenantId = values.tenantId ?? 0;
		const queueIds = form.getAll('queueIds').map(idOf);
		if (!label) errors.label = 'Name the screen (1–128 characters)';
		if (!manageableTenants(manager, lookups).some((tenant) => tenant.id === tenantId)) {
			errors.tenantId = 'Choose a tenant';
		}
		const foreign = queueIds.filter((q) => lookups.queues.get(q)?.tenantId !== tenantId);
		if (foreign.length > 0) errors.queueIds = 'Choose queues of that tenant';
		// A checkbox: "on" when ticked, absent when not; anything else is not from this form.
		const chime = form.get('chime');
		if (chime !== null && chime !== 'on') errors.chime = 'Chime is a checkbox: on, or left out';
		const options = boardOptionsOf(form);
		const optionProblems = boardOptionProblems(options);
		if (optionProblems.length > 0) errors.options = optionProblems.join('; ');
		if (Object.keys(errors).length > 0) return fail(400, { tokenErrors: errors });
		const { token } = await locals.accounts.createWallToken(manager, {
			label,
			tenantId,
			queueIds: queueIds.length > 0 ? queueIds : 'all',
			chime: chime === 'on'
		});
		return { wallToken: token, wallTokenLabel: label, wallOptions: options.toString() };
	},

	revokeWallToken: async ({ request, locals }) => {
		const manager = requireManager(locals.viewer);
		const id = parseFields(await formDataOr400(request), { id: idField('') }).values.id;
		const tenantId = boundTenantId(manager);
		if (id === undefined || !(await locals.accounts.revokeWallToken(manager, id, tenantId))) {
			return fail(404, { tokenErrors: { form: 'No such display token' } });
		}
		return { revoked: id };
	}
};
