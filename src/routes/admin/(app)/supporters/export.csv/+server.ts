import { error } from '@sveltejs/kit';
import { filterFromSearchParams } from '#lib/schemas/supporter-filter.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import { exportCsv } from '#lib/server/supporters/export.ts';
import * as segments from '#lib/server/supporters/segments.ts';

/**
 * A segment (?segment=id) or the current filter as CSV (campaigners and up); the
 * export is in the audit log.
 */
export const GET = async ({ locals, url, getClientAddress }) => {
	const actor = requireStaff(locals, 'campaigner');
	const segmentId = url.searchParams.get('segment');
	const segment = segmentId ? await segments.get(segmentId).catch(() => null) : null;
	if (segmentId && !segment) error(404, 'Not found');
	const filter = segment ? segment.filter : filterFromSearchParams(url.searchParams);
	const date = new Date().toISOString().slice(0, 10);
	const name = segment ? `segment-${segment.id.slice(0, 8)}` : 'supporters';
	return new Response(
		exportCsv(filter, { staffId: actor.id, ip: getClientAddress(), segmentId: segment?.id }),
		{
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${name}-${date}.csv"`,
				'cache-control': 'no-store'
			}
		}
	);
};
