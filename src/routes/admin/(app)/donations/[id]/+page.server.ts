import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { formatMoney } from '#lib/donations/money.ts';
import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { centsToDollarsText, refundSchema } from '#lib/schemas/donation-admin.ts';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as donations from '#lib/server/donations/admin.ts';
import { refundGift } from '#lib/server/donations/refunds.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function giftOr404(id: string) {
	if (!UUID.test(id)) error(404, 'Not found');
	const gift = await donations.readGift(id);
	if (!gift) error(404, 'Not found');
	return gift;
}

export const load = async ({ locals, params }) => {
	requireStaff(locals);
	return { gift: await giftOr404(params.id) };
};

// Refunds and receipts move money and tax records: admins and owners only. The
// check is in each action, as a layout's does not run before an action.
export const actions = {
	// First the amount is checked and shown for confirmation; then, confirmed, refunded.
	refund: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const gift = await giftOr404(params.id);
		const form = parseForm(refundSchema, await request.formData());
		const left = gift.amount_cents - gift.refunded_cents;
		const language = getLocale() === 'fr' ? 'fr' : 'en';
		if (gift.status !== 'succeeded' || left <= 0) {
			return fail(400, {
				refund: { values: form.values, message: m.admin_donations_refund_not_refundable() }
			});
		}
		if (!form.ok) return fail(400, { refund: { values: form.values, errors: form.errors } });
		if (form.output.amount > left) {
			return fail(400, {
				refund: {
					values: form.values,
					errors: {
						amount: [
							m.admin_donations_error_refund_too_much({
								amount: formatMoney(left, gift.currency, language)
							})
						]
					} as FieldErrors
				}
			});
		}
		if (form.output.confirm !== 'yes') {
			return {
				refund: {
					values: { amount: centsToDollarsText(form.output.amount) },
					confirm: { amount_cents: form.output.amount, whole: form.output.amount === left }
				}
			};
		}
		const result = await refundGift({
			giftId: gift.id,
			amountCents: form.output.amount,
			actor: actor.id,
			ip: getClientAddress()
		});
		if (!result.ok) {
			const message =
				result.reason === 'too_much'
					? m.admin_donations_error_refund_too_much({
							amount: formatMoney(left, gift.currency, language)
						})
					: result.reason === 'stripe_refused'
						? m.admin_donations_refund_stripe_refused({ message: result.message ?? '' })
						: result.reason === 'no_payment'
							? m.admin_donations_refund_no_payment()
							: m.admin_donations_refund_not_refundable();
			return fail(400, { refund: { values: form.values, message } });
		}
		return { refunded: { amount_cents: form.output.amount } };
	},

	reissue: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'admin');
		const gift = await giftOr404(params.id);
		const receipt = v.safeParse(
			v.pipe(v.string(), v.regex(UUID)),
			(await request.formData()).get('receipt')
		);
		const mine = receipt.success && gift.receipts.find((entry) => entry.id === receipt.output);
		if (!mine) error(400, 'Bad request');
		const result = await donations.reissueReceipt(actor, mine.id, getClientAddress());
		if (!result.ok) {
			return fail(400, {
				reissue: {
					message:
						result.reason === 'erased'
							? m.admin_donations_reissue_erased()
							: m.admin_donations_reissue_not_issued({ serial: mine.serial })
				}
			});
		}
		return { reissued: { serial: mine.serial } };
	}
};
