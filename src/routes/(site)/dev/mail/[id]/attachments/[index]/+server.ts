import { error } from '@sveltejs/kit';
import { requireMailViewer } from '#lib/server/email/viewer-guard.ts';
import * as viewer from '#lib/server/email/viewer.ts';

/** An email's attachment (a receipt's PDF), as it would be sent with it. */
export const GET = async ({ params }) => {
	requireMailViewer();
	const file = await viewer.attachment(Number(params.id), Number(params.index));
	if (!file) error(404, 'Not found');
	return new Response(new Uint8Array(file.content), {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff'
		}
	});
};
