import { describe, expect, it } from 'vitest';
import { stateOf } from './thanks.ts';

type Gift = Parameters<typeof stateOf>[0]['gift'];
const gift = (status: NonNullable<Gift>['status']): Gift => ({
	status,
	amount_cents: 5000,
	currency: 'cad',
	refunded_cents: 0,
	receipt: null
});

describe('what the thank-you page says of a payment', () => {
	it.each([
		['open', gift('succeeded'), 'paid'],
		['completed', gift('succeeded'), 'paid'],
		['completed', gift('pending'), 'processing'],
		['failed', gift('failed'), 'failed'],
		['completed', gift('refunded'), 'refunded'],
		// The donor came back before Stripe's event: nothing is claimed yet.
		['open', null, 'waiting'],
		['completed', null, 'waiting'],
		['failed', null, 'failed'],
		['expired', null, 'expired']
	] as const)('checkout %s with gift %j: %s', (status, payment, state) => {
		expect(stateOf({ status, gift: payment })).toBe(state);
	});
});
