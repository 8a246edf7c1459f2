import { error } from '@sveltejs/kit';
import * as tracking from '#lib/server/broadcasts/tracking.ts';

// A broadcast's open-tracking image (only in broadcasts that track opens): the
// open is recorded, and the answer is a transparent 1×1 GIF no one may cache, so
// each open reaches us. No session, no cookie.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export const GET = async ({ params }) => {
	const outboxId = await tracking.verifyTrackingToken(params.token);
	if (outboxId === null) error(404, 'Not found');
	await tracking.recordOpen(outboxId);
	return new Response(new Uint8Array(GIF), {
		headers: {
			'content-type': 'image/gif',
			'content-length': String(GIF.length),
			'cache-control': 'no-store, private',
			'referrer-policy': 'no-referrer'
		}
	});
};
