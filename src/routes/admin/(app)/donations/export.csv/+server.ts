import { giftFilterFromSearchParams } from '#lib/schemas/donation-admin.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import { giftsCsv } from '#lib/server/donations/admin-export.ts';

/**
 * The gifts of the current filter as CSV (campaigners and up: it holds donors'
 * names and addresses); the export is in the audit log.
 */
export const GET = ({ locals, url, getClientAddress }) => {
	const actor = requireStaff(locals, 'campaigner');
	const filter = giftFilterFromSearchParams(url.searchParams);
	const date = new Date().toISOString().slice(0, 10);
	return new Response(giftsCsv(filter, { staffId: actor.id, ip: getClientAddress() }), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filter.test ? 'test-gifts' : 'gifts'}-${date}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
