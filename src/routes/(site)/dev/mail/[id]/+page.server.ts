import { error } from '@sveltejs/kit';
import { requireMailViewer } from '#lib/server/email/viewer-guard.ts';
import * as viewer from '#lib/server/email/viewer.ts';

export const load = async ({ params }) => {
	requireMailViewer();
	const email = await viewer.read(Number(params.id));
	if (!email) error(404, 'Not found');
	return { email };
};
