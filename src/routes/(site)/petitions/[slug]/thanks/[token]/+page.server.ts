import { consentFromForm, loadThanks } from '#lib/server/petitions/thanks-page.ts';

export const load = ({ params, setHeaders }) => {
	// Theirs alone: never kept by a shared cache.
	setHeaders({ 'cache-control': 'private, no-store' });
	return loadThanks(params.slug, params.token);
};

export const actions = {
	default: ({ params, request }) =>
		consentFromForm({ slug: params.slug, token: params.token, request, embed: false })
};
