import { error } from '@sveltejs/kit';
import { automationSchema } from '#lib/schemas/automation.ts';
import { parseForm } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as automations from '#lib/server/broadcasts/automations.ts';
import { PREVIEW_HEADERS, previewProblemHtml } from '#lib/server/broadcasts/preview.ts';

// The email as a sample supporter gets it, for the editor's preview frames (with
// their own strict policy: no script runs in them). GET: as saved. POST (the
// editor's form, sent into a frame): the words being typed, not saved.

const language = (url: URL) => (url.searchParams.get('lang') === 'fr' ? 'fr' : 'en');

export const GET = async ({ locals, params, url }) => {
	requireStaff(locals, 'campaigner');
	if (!automations.isAutomationKey(params.key)) error(404, 'Not found');
	return new Response(await automations.preview(params.key, language(url)), {
		headers: PREVIEW_HEADERS
	});
};

export const POST = async ({ locals, params, url, request }) => {
	requireStaff(locals, 'campaigner');
	if (!automations.isAutomationKey(params.key)) error(404, 'Not found');
	const form = parseForm(automationSchema, await request.formData());
	const html = form.ok
		? await automations.preview(params.key, language(url), form.output.content)
		: previewProblemHtml(language(url));
	return new Response(html, { headers: PREVIEW_HEADERS });
};
