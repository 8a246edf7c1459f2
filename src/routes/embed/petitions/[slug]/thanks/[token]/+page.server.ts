import { consentFromForm, loadThanks } from '#lib/server/petitions/thanks-page.ts';

export const load = async ({ params, locals, setHeaders }) => {
	// Theirs alone: never kept by a shared cache.
	setHeaders({ 'cache-control': 'private, no-store' });
	const page = await loadThanks(params.slug, params.token);
	locals.frameAncestors = page.thanks.petition.embed_origins;
	return page;
};

export const actions = {
	default: ({ params, request }) =>
		consentFromForm({ slug: params.slug, token: params.token, request, embed: true })
};
