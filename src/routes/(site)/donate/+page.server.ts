import { getLocale } from '#lib/paraglide/runtime.js';
import * as donatePage from '#lib/server/donations/donate-page.ts';

const language = () => (getLocale() === 'fr' ? 'fr' : 'en');

export const load = ({ url }) => donatePage.page(url, language());

export const actions = {
	default: ({ request, getClientAddress }) =>
		donatePage.donate({ request, ip: getClientAddress(), language: language() })
};
