import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { parseForm } from '#lib/schemas/form.ts';
import { testPaySchema, testSettleSchema } from '#lib/schemas/donation.ts';
import type { Language } from '../email/types.ts';
import { thanksPath } from './checkout.ts';
import {
	payTestCheckout,
	settleTestPayment,
	testCheckout,
	type TestCheckout
} from './test-gateway.ts';
import * as thanks from './thanks.ts';

// /donate/test-checkout/<checkout>: without a Stripe key this page stands in for
// Stripe's. Its buttons become the events Stripe would send (test-gateway.ts), and
// the donor goes to the thank-you page, as Stripe sends them. Not found when a
// Stripe key is set or the checkout is not a test one.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function find(id: string): Promise<TestCheckout> {
	const checkout = UUID.test(id) ? await testCheckout(id) : null;
	if (!checkout) error(404, m.donate_test_not_found());
	return checkout;
}

export async function page(id: string, language: Language) {
	const checkout = await find(id);
	const gift = await thanks.load(id, language);
	return {
		checkout: {
			id: checkout.id,
			status: checkout.status,
			frequency: checkout.frequency,
			amountCents: checkout.amountCents,
			feeCents: checkout.feeCents,
			currency: checkout.currency,
			email: checkout.email
		},
		campaign: gift?.campaign ?? null,
		canSettle: gift?.canSettle ?? false,
		thanksHref: thanksPath(id, language)
	};
}

/** "Pay", "Card declined" or "Pay by bank debit": a declined card leaves the checkout open. */
export async function pay(id: string, request: Request, language: Language) {
	const checkout = await find(id);
	const form = parseForm(testPaySchema, await request.formData());
	if (!form.ok || (form.output.outcome === 'processing' && checkout.frequency !== 'one_time')) {
		return fail(400, { declined: false, invalid: true });
	}
	if (checkout.status === 'open') {
		if (form.output.outcome === 'declined') return fail(402, { declined: true, invalid: false });
		await payTestCheckout(checkout, form.output.outcome);
	}
	redirect(303, thanksPath(id, language));
}

/** Settles a test bank debit left processing: it succeeds or fails, as a bank would say. */
export async function settle(id: string, request: Request, language: Language) {
	const checkout = await find(id);
	const form = parseForm(testSettleSchema, await request.formData());
	if (!form.ok) return fail(400, { declined: false, invalid: true });
	const gift = await thanks.load(id, language);
	if (gift?.canSettle) await settleTestPayment(checkout, form.output.outcome === 'succeeded');
	redirect(303, thanksPath(id, language));
}
