import { describe, expect, it } from 'vitest';
import { coverFeeCents, formatMoney, parseAmountToCents, processingFeeCents } from './money.ts';

describe('coverFeeCents', () => {
	const stripeCanada = { percentBp: 290, fixedCents: 30 };

	it('adds what the card fee takes, so the charity receives the whole gift', () => {
		for (const amount of [500, 2500, 5000, 10_000, 12_345, 2_500_000]) {
			const fee = coverFeeCents(amount, stripeCanada);
			const total = amount + fee;
			expect(total - processingFeeCents(total, stripeCanada)).toBeGreaterThanOrEqual(amount);
			// And not a cent more than needed.
			const less = total - 1;
			expect(less - processingFeeCents(less, stripeCanada)).toBeLessThan(amount);
		}
	});

	it('is $3.30 on $100 at 2.9% + 30¢', () => {
		// 10,330 - round(299.57) - 30 = 10,000.
		expect(coverFeeCents(10_000, stripeCanada)).toBe(330);
		expect(processingFeeCents(10_330, stripeCanada)).toBe(330);
	});

	it('adds nothing to no amount', () => {
		expect(coverFeeCents(0, stripeCanada)).toBe(0);
		expect(coverFeeCents(Number.NaN, stripeCanada)).toBe(0);
	});
});

describe('parseAmountToCents', () => {
	it('reads dollars as a donor types them, in either language', () => {
		expect(parseAmountToCents('25', 'en')).toBe(2500);
		expect(parseAmountToCents('$25.50', 'en')).toBe(2550);
		expect(parseAmountToCents('1,000', 'en')).toBe(100_000);
		expect(parseAmountToCents('25,5', 'fr')).toBe(2550);
		expect(parseAmountToCents('1 000 $', 'fr')).toBe(100_000);
	});

	it('refuses what is not an amount', () => {
		for (const text of ['', 'abc', '-5', '1.234', '1e3', '12..5']) {
			expect(parseAmountToCents(text, 'en')).toBeNull();
		}
	});
});

describe('formatMoney', () => {
	it('writes whole dollars without cents, and cents when there are some', () => {
		expect(formatMoney(10_000, 'cad', 'en')).toBe('$100');
		expect(formatMoney(10_330, 'cad', 'en')).toBe('$103.30');
		expect(formatMoney(10_330, 'cad', 'fr')).toMatch(/^103,30\s\$$/);
	});
});
