import { fail, redirect, type Cookies } from '@sveltejs/kit';
import * as v from 'valibot';
import { SITE_URL } from '$app/env/public';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm } from '#lib/schemas/form.ts';
import { monthlyAmountSchema, monthlyGiftSchema } from '#lib/schemas/giving.ts';
import * as giving from '#lib/server/donations/giving.ts';
import * as portal from '#lib/server/donations/portal.ts';
import { donationSettings } from '#lib/server/donations/settings.ts';
import * as impact from '#lib/server/impact/index.ts';

// The donor's own page: every load and action starts from their session cookie;
// without one (or once it has ended) they are sent to ask for a new link.

/** The figures shown beside what they gave: the impact story's headline results. */
const HEADLINE_METRICS = ['people_protected', 'victims_rescued', 'criminals_convicted'];

const language = () => (getLocale() === 'fr' ? 'fr' : 'en');

async function donor(cookies: Cookies): Promise<string> {
	const supporterId = await giving.donorFromCookie(cookies);
	if (!supporterId) redirect(303, localizeHref('/giving'));
	return supporterId;
}

async function giftOf(request: Request) {
	const parsed = v.safeParse(
		monthlyGiftSchema,
		Object.fromEntries(await request.formData().catch(() => new FormData()))
	);
	return parsed.success ? parsed.output.gift : null;
}

/** After a change, the page again (Post/Redirect/Get), saying what was done. */
function done(what: 'amount' | 'cancelled' | 'renewed'): never {
	redirect(303, `${localizeHref('/giving/manage')}?done=${what}`);
}

export const load = async ({ cookies, url, setHeaders }) => {
	const supporterId = await donor(cookies);
	setHeaders({ 'cache-control': 'private, no-store' });
	const [overview, figures, settings] = await Promise.all([
		giving.overview(supporterId, language()),
		impact.published(language()),
		donationSettings()
	]);
	if (!overview) {
		await giving.signOut(cookies);
		redirect(303, localizeHref('/giving'));
	}
	const doneParam = url.searchParams.get('done');
	return {
		overview,
		metrics: HEADLINE_METRICS.map((key) => figures.metrics[key]).filter(Boolean),
		limits: {
			minCents: settings.minCents,
			maxCents: settings.maxCents,
			currency: settings.currency
		},
		// "Cancel this monthly gift" asks first: the link shows this question with its button.
		confirmCancel: url.searchParams.get('cancel'),
		done:
			doneParam === 'amount' || doneParam === 'cancelled' || doneParam === 'renewed'
				? doneParam
				: null
	};
};

export const actions = {
	portal: async ({ request, cookies }) => {
		const supporterId = await donor(cookies);
		const gift = await giftOf(request);
		if (!gift) return fail(400, { action: 'portal' as const, gift: null, problem: 'not_found' });
		const result = await portal.openPortal(
			supporterId,
			gift,
			`${SITE_URL}${localizeHref('/giving/manage')}`
		);
		if (!result.ok) return fail(400, { action: 'portal' as const, gift, problem: result.reason });
		// The address is Stripe's answer (its own domain, or the charity's custom one), never the browser's.
		redirect(303, result.url, { external: true });
	},
	amount: async ({ request, cookies, getClientAddress }) => {
		const supporterId = await donor(cookies);
		const settings = await donationSettings();
		const form = parseForm(
			monthlyAmountSchema({ ...settings, language: language() }),
			await request.formData()
		);
		if (!form.ok) {
			return fail(400, {
				action: 'amount' as const,
				gift: form.values.gift ?? null,
				values: form.values,
				errors: form.errors
			});
		}
		const result = await portal.changeMonthlyAmount({
			supporterId,
			recurringGiftId: form.output.gift,
			amountCents: form.output.amount,
			ip: getClientAddress()
		});
		if (!result.ok) {
			return fail(400, {
				action: 'amount' as const,
				gift: form.output.gift,
				problem: result.reason
			});
		}
		done('amount');
	},
	cancel: async ({ request, cookies, getClientAddress }) => {
		const supporterId = await donor(cookies);
		const gift = await giftOf(request);
		const result = gift
			? await portal.cancelMonthly({ supporterId, recurringGiftId: gift, ip: getClientAddress() })
			: ({ ok: false, reason: 'not_found' } as const);
		if (!result.ok) return fail(400, { action: 'cancel' as const, gift, problem: result.reason });
		done('cancelled');
	},
	renew: async ({ request, cookies }) => {
		const supporterId = await donor(cookies);
		const gift = await giftOf(request);
		const result = gift
			? await portal.renewTestMonthly({ supporterId, recurringGiftId: gift })
			: ({ ok: false, reason: 'not_found' } as const);
		if (!result.ok) return fail(400, { action: 'renew' as const, gift, problem: result.reason });
		done('renewed');
	},
	signOut: async ({ cookies }) => {
		await giving.signOut(cookies);
		redirect(303, `${localizeHref('/giving')}?signed-out`);
	}
};
