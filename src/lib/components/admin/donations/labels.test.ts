import { describe, expect, it } from 'vitest';
import { stripeDashboardUrl } from './labels.ts';

describe('links to the Stripe dashboard', () => {
	it('opens a real payment, invoice, subscription or customer, in test mode for a test gift', () => {
		expect(stripeDashboardUrl('pi_3abc', false)).toBe(
			'https://dashboard.stripe.com/payments/pi_3abc'
		);
		expect(stripeDashboardUrl('sub_1xyz', true)).toBe(
			'https://dashboard.stripe.com/test/subscriptions/sub_1xyz'
		);
		expect(stripeDashboardUrl('in_1', false)).toBe('https://dashboard.stripe.com/invoices/in_1');
	});

	it('links nothing the local test checkout made, or an id with no page of its own', () => {
		expect(stripeDashboardUrl('pi_local_abc', true)).toBeNull();
		expect(stripeDashboardUrl('cs_test_abc', true)).toBeNull();
		expect(stripeDashboardUrl(null, false)).toBeNull();
	});
});
