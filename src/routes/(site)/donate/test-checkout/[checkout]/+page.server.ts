import { getLocale } from '#lib/paraglide/runtime.js';
import * as testCheckoutPage from '#lib/server/donations/test-checkout-page.ts';

const language = () => (getLocale() === 'fr' ? 'fr' : 'en');

export const load = ({ params, setHeaders }) => {
	setHeaders({ 'cache-control': 'private, no-store' });
	return testCheckoutPage.page(params.checkout, language());
};

export const actions = {
	pay: ({ params, request }) => testCheckoutPage.pay(params.checkout, request, language()),
	settle: ({ params, request }) => testCheckoutPage.settle(params.checkout, request, language())
};
