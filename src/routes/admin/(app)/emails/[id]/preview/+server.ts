import { error } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { editorSchema } from '#lib/schemas/broadcast.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as broadcasts from '#lib/server/broadcasts/index.ts';
import {
	PREVIEW_HEADERS,
	previewHtml,
	previewProblemHtml
} from '#lib/server/broadcasts/preview.ts';

// GET: the saved email. POST (the editor's form, sent into the preview frame): what
// is typed now, unsaved, so the preview follows the typing.

function options(url: URL) {
	const language = url.searchParams.get('lang') === 'fr' ? 'fr' : 'en';
	const variant = url.searchParams.get('variant') === 'b' ? 'b' : 'a';
	return { language, variant } as const;
}

export const GET = async ({ locals, params, url }) => {
	requireStaff(locals, 'campaigner');
	const broadcast = await broadcasts.get(params.id);
	if (!broadcast) error(404, m.broadcast_not_found());
	const { language, variant } = options(url);
	return new Response(previewHtml(broadcast.content, language, variant, broadcast.id), {
		headers: PREVIEW_HEADERS
	});
};

export const POST = async ({ locals, params, url, request }) => {
	requireStaff(locals, 'campaigner');
	if (!broadcasts.isUuid(params.id)) error(404, m.broadcast_not_found());
	const { language, variant } = options(url);
	const parsed = parseForm(editorSchema, await request.formData());
	const html = parsed.ok
		? previewHtml(parsed.output.content, language, variant, params.id)
		: previewProblemHtml(language);
	return new Response(html, { headers: PREVIEW_HEADERS });
};
