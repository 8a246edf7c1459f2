import { error, redirect } from '@sveltejs/kit';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import * as giving from '#lib/server/donations/giving.ts';

/**
 * A receipt's PDF, downloaded again by its donor. Anyone else's receipt, or an
 * unknown id, is "not found" alike, so ids tell nothing.
 */
export const GET = async ({ params, cookies }) => {
	const supporterId = await giving.donorFromCookie(cookies);
	if (!supporterId) redirect(303, localizeHref('/giving'));
	const file = await giving.receiptFile(supporterId, params.id);
	if (!file) error(404, m.giving_receipt_not_found());
	return new Response(file.bytes as BodyInit, {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
			'cache-control': 'private, no-store'
		}
	});
};
