import { getLocale } from '#lib/paraglide/runtime.js';
import * as impact from '#lib/server/impact/index.ts';
import * as stories from '#lib/server/stories/index.ts';

export const load = async ({ setHeaders }) => {
	const language = getLocale() === 'fr' ? 'fr' : 'en';
	// Browsers and shared caches may keep the page a minute, as long as the server does.
	setHeaders({ 'cache-control': 'public, max-age=60' });
	const [figures, voices] = await Promise.all([
		impact.published(language),
		stories.published(language)
	]);
	return { impact: figures, stories: voices };
};
