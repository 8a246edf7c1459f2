import { getLocale } from '#lib/paraglide/runtime.js';
import * as impact from '#lib/server/impact/index.ts';
import * as petitions from '#lib/server/petitions/index.ts';

export const load = async ({ setHeaders }) => {
	const language = getLocale() === 'fr' ? 'fr' : 'en';
	setHeaders({ 'cache-control': 'public, max-age=60' });
	const [content, campaign] = await Promise.all([
		impact.published(language),
		petitions.openPetition(language)
	]);
	return { metrics: content.metrics, campaign };
};
