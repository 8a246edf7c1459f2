import { error } from '@sveltejs/kit';
import { requireMailViewer } from '#lib/server/email/viewer-guard.ts';
import * as viewer from '#lib/server/email/viewer.ts';

/** The email's HTML, for the viewer's sandboxed frame: no script runs in it. */
export const GET = async ({ params }) => {
	requireMailViewer();
	const email = await viewer.read(Number(params.id));
	if (!email) error(404, 'Not found');
	return new Response(email.email.html, {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy':
				"default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-ancestors 'self'; sandbox",
			'x-frame-options': 'SAMEORIGIN'
		}
	});
};
