import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { privacyTokenSchema } from '#lib/schemas/privacy.ts';
import * as privacy from '#lib/server/privacy/index.ts';

/**
 * The file of an access request: everything we hold, as a JSON attachment. A POST
 * with the link's token (never a GET a scanner could follow); each download is
 * recorded. A link that cannot download goes back to its page, which says why.
 */
export const POST = async ({ request, getClientAddress }) => {
	const parsed = v.safeParse(
		privacyTokenSchema,
		Object.fromEntries(await request.formData().catch(() => new FormData()))
	);
	const token = parsed.success ? parsed.output.token : '';
	const result = await privacy.download(token, getClientAddress());
	if (!result.ok) {
		redirect(303, `${localizeHref('/privacy/confirm')}?token=${encodeURIComponent(token)}`);
	}
	const day = new Date().toISOString().slice(0, 10);
	return new Response(JSON.stringify(result.data, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="my-data-${day}.json"`,
			'cache-control': 'no-store'
		}
	});
};
