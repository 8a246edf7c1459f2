import { fail, redirect } from '@sveltejs/kit';
import { CHARITY_NAME } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { formatMoney, type FeeRule, type Frequency } from '#lib/donations/money.ts';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import {
	DONATION_FIELDS,
	donationSchema,
	type DonationFieldValues
} from '#lib/schemas/donation.ts';
import * as campaigns from '../campaigns/index.ts';
import { must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';
import { startCheckout } from './checkout.ts';
import { donationSettings, ladder } from './settings.ts';
import { stripeSettings } from './stripe.ts';

// The donation form (/donate): what it offers, and its action. A gift that passes
// the form goes to Stripe Checkout (or the local test checkout) with a 303; a
// refused one comes back with what was typed and a message next to each field.

/** Checkouts one address may start in RATE_WINDOW_SECONDS: a person never needs more;
 * card testers (who try stolen cards on donation forms) do. */
const RATE_PER_IP = 20;
const RATE_WINDOW_SECONDS = 10 * 60;

/** Where Stripe Checkout's hosted pages are. */
const STRIPE_CHECKOUT_ORIGIN = 'https://checkout.stripe.com';

/** Where a donor's consent to email was given (the consent ledger's source). */
const CONSENT_SOURCE = '/donate';

export interface LadderStep {
	amountCents: number;
	impact: string;
	isDefault: boolean;
}

export interface DonatePage {
	currency: string;
	minCents: number;
	maxCents: number;
	fee: FeeRule;
	ladder: Record<Frequency, LadderStep[]>;
	/** Published campaigns a gift may go to. */
	campaigns: { slug: string; title: string }[];
	/** ?campaign=<slug> when it is one of them: the designation chosen at first. */
	preset: string;
	/** No Stripe key: the test checkout stands in for Stripe. */
	testCheckout: boolean;
}

async function openCampaigns(language: Language) {
	return (await campaigns.list(language))
		.filter((campaign) => campaign.status === 'published')
		.map(({ slug, title }) => ({ slug, title }));
}

export async function page(url: URL, language: Language): Promise<DonatePage> {
	const [settings, steps, open] = await Promise.all([
		donationSettings(),
		ladder(),
		openCampaigns(language)
	]);
	const wanted = url.searchParams.get('campaign') ?? '';
	const byFrequency = (frequency: Frequency) =>
		steps
			.filter((step) => step.frequency === frequency)
			.map((step) => ({
				amountCents: step.amountCents,
				impact: step.impact[language],
				isDefault: step.isDefault
			}));
	return {
		currency: settings.currency,
		minCents: settings.minCents,
		maxCents: settings.maxCents,
		fee: settings.fee,
		ladder: { one_time: byFrequency('one_time'), monthly: byFrequency('monthly') },
		campaigns: open,
		preset: open.some((campaign) => campaign.slug === wanted) ? wanted : '',
		testCheckout: !stripeSettings.enabled
	};
}

async function take(key: string): Promise<boolean> {
	return must(
		await serviceDb().rpc('rate_limit_take', {
			p_key: key,
			p_limit: RATE_PER_IP,
			p_window_seconds: RATE_WINDOW_SECONDS
		})
	) as boolean;
}

/** What Stripe's page (and the donor's bank statement description) calls the gift. */
function productName(frequency: Frequency, campaign: string | null): string {
	const gift =
		frequency === 'monthly'
			? m.donate_product_monthly({ name: CHARITY_NAME })
			: m.donate_product_one_time({ name: CHARITY_NAME });
	return campaign ? m.donate_product_campaign({ gift, campaign }) : gift;
}

export type DonateFormState = {
	values: DonationFieldValues;
	errors: FieldErrors;
	problem: 'invalid' | 'rate-limited' | null;
};

/** The form's action: to the payment page (303), or the form again with why not. */
export async function donate(options: { request: Request; ip: string; language: Language }) {
	const { language } = options;
	const settings = await donationSettings();
	const form = parseForm(
		donationSchema({
			minCents: settings.minCents,
			maxCents: settings.maxCents,
			currency: settings.currency,
			language
		}),
		await options.request.formData()
	);
	const values = Object.fromEntries(
		DONATION_FIELDS.filter((name) => form.values[name] !== undefined).map((name) => [
			name,
			form.values[name]
		])
	) as DonationFieldValues;
	const refuse = (status: number, errors: FieldErrors, problem: DonateFormState['problem']) =>
		fail(status, { values, errors, problem } satisfies DonateFormState);
	if (!form.ok) return refuse(400, form.errors, 'invalid');

	if (!(await take(`donate:ip:${options.ip}`))) return refuse(429, {}, 'rate-limited');

	const gift = form.output;
	const campaign = gift.campaign
		? (await openCampaigns(language)).find((open) => open.slug === gift.campaign)
		: null;
	const started = await startCheckout({
		...gift,
		campaign: gift.campaign,
		language,
		emailConsent: gift.emailConsent
			? { wording: m.donate_consent({ name: CHARITY_NAME }), source: CONSENT_SOURCE }
			: null,
		productName: productName(gift.frequency, campaign?.title ?? null)
	});
	if (!started.ok) {
		// The settings changed between the form's check and this one.
		const money = (cents: number) => formatMoney(cents, settings.currency, language);
		const errors: FieldErrors =
			started.reason === 'campaign_not_open'
				? { designation: [m.donate_error_campaign()] }
				: started.reason === 'amount_too_small'
					? { other_amount: [m.donate_error_amount_min({ min: money(settings.minCents) })] }
					: { other_amount: [m.donate_error_amount_max({ max: money(settings.maxCents) })] };
		return refuse(400, errors, 'invalid');
	}
	// Stripe's hosted page (the only place off this site a donor is sent), or the test checkout.
	redirect(303, started.url, { external: [STRIPE_CHECKOUT_ORIGIN] });
}
