import { error, redirect } from '@sveltejs/kit';
import * as tracking from '#lib/server/broadcasts/tracking.ts';

// A tracked link from a broadcast: the click is recorded, then the reader goes on
// to the broadcast's own link of that number. A page (not an endpoint) so that a
// forged or damaged link shows the site's 404 page. No session, no cookie.
export const load = async ({ params, setHeaders }) => {
	// Each click is counted, and the tracked address goes no further than here.
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const outboxId = await tracking.verifyTrackingToken(params.token);
	const index = /^\d{1,4}$/.test(params.link) ? Number(params.link) : null;
	if (outboxId === null || index === null) error(404, 'Not found');
	const url = await tracking.recordClick(outboxId, index);
	if (!url || !/^https?:\/\//i.test(url)) error(404, 'Not found');
	redirect(302, url, { external: true });
};
