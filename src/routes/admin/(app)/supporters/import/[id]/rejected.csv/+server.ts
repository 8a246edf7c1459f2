import { error } from '@sveltejs/kit';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as imports from '#lib/server/supporters/import/index.ts';
import { rejectedCsv } from '#lib/server/supporters/import/rejected-csv.ts';

/** The rows an import skipped, with why, as CSV (campaigners and up). */
export const GET = async ({ locals, params }) => {
	requireStaff(locals, 'campaigner');
	const item = /^[0-9a-f-]{36}$/.test(params.id) ? await imports.get(params.id) : null;
	if (!item) error(404, 'Not found');
	const base = item.file_name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '-') || 'import';
	return new Response(rejectedCsv(item.id, item.headers), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${base}-skipped-rows.csv"`,
			'cache-control': 'no-store'
		}
	});
};
