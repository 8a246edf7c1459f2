import { requireStaff } from '#lib/server/auth/roles.ts';
import { exportSearchCsv } from '#lib/server/supporters/export.ts';

/** The current search as CSV (campaigners and up); the export is in the audit log. */
export const GET = ({ locals, url, getClientAddress }) => {
	const actor = requireStaff(locals, 'campaigner');
	const query = (url.searchParams.get('q') ?? '').trim().slice(0, 254);
	const date = new Date().toISOString().slice(0, 10);
	return new Response(exportSearchCsv(query, { staffId: actor.id, ip: getClientAddress() }), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="supporters-${date}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
