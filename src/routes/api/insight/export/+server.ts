import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { viewSearchParams } from '$lib/filters';
import { choiceField, parseFields } from '$lib/params';
import { exportFileName, RANGE_TABLES, rangeTableCsv, tableColumnKeys } from '$lib/server/export';
import { historyRequestOrThrow } from '$lib/server/history/request';
import { readPicture } from '$lib/server/insight/read';
import type { RequestHandler } from './$types';

const TABLE_PARAMS = {
	table: choiceField(RANGE_TABLES, 'table is queues or agents'),
	order: v.string()
};

/**
 * A range picture's per-queue or per-agent table as CSV, for the grid's query plus `table`
 * (queues | agents) and `order` (`<column>.<asc|desc>`, the order on screen). The same request
 * checks as the picture (a 400 naming the field), the same scope, and audited as an export.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const request = historyRequestOrThrow(locals, locals.viewer, url);
	const { values, errors } = parseFields(url.searchParams, TABLE_PARAMS);
	const table = values.table ?? null;
	if (!table) errors.table ??= 'table is queues or agents';
	const [key, dir] = (values.order ?? '').split('.');
	const order = table && tableColumnKeys(table).includes(key) && (dir === 'asc' || dir === 'desc');
	if (table && values.order !== undefined && !order) {
		errors.order = `order is <column>.<asc|desc>, the column one of ${tableColumnKeys(table).join(', ')}`;
	}
	if (Object.keys(errors).length > 0 || !table) {
		const summary = Object.entries(errors).map(([field, message]) => `${field}: ${message}`);
		error(400, { message: summary.join('; '), errors });
	}
	const picture = await readPicture(locals, request);
	const { tenant, filters, span, rangeDates } = request;
	const csv = rangeTableCsv(table, picture, span, {
		key: order ? key : tableColumnKeys(table)[0],
		dir: order ? (dir as 'asc' | 'desc') : 'asc'
	});
	await locals.audit.record({
		action: 'export',
		viewer: locals.viewer!,
		tenantId: tenant.id,
		detail: `table=${table}&${viewSearchParams(filters).toString() || 'range=today'}`
	});
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${exportFileName(tenant, rangeDates.from, rangeDates.to, table)}"`,
			'cache-control': 'no-store'
		}
	});
};
