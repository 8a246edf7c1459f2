// Money is integer cents with a currency, everywhere. These run on the server and
// in the browser (the donation form shows the fee it will add as the donor types).

export type Frequency = 'one_time' | 'monthly';

/** What card processing costs per payment: a percentage (basis points) plus a fixed amount. */
export interface FeeRule {
	percentBp: number;
	fixedCents: number;
}

/** What the processor keeps of a payment of `totalCents` (it rounds to the cent). */
export function processingFeeCents(totalCents: number, rule: FeeRule): number {
	return Math.round((totalCents * rule.percentBp) / 10_000) + rule.fixedCents;
}

/**
 * What "cover the fees" adds so that, after the processor takes its fee on the whole
 * payment, the charity receives at least `amountCents`, and not a cent more than needed.
 */
export function coverFeeCents(amountCents: number, rule: FeeRule): number {
	if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return 0;
	// Start just below the exact answer and step up to the first total that is enough.
	let total = Math.floor((amountCents + rule.fixedCents) / (1 - rule.percentBp / 10_000)) - 2;
	while (total - processingFeeCents(total, rule) < amountCents) total += 1;
	return total - amountCents;
}

/** "$1,234.50" / "1 234,50 $" (whole dollars without cents). */
export function formatMoney(cents: number, currency: string, language: string): string {
	const whole = cents % 100 === 0;
	return new Intl.NumberFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
		style: 'currency',
		currency: currency.toUpperCase(),
		minimumFractionDigits: whole ? 0 : 2,
		maximumFractionDigits: 2
	}).format(cents / 100);
}

/**
 * Reads an amount typed in dollars ("25", "25.5", "1,000", "25,50" in French)
 * into cents; null when it is not an amount.
 */
export function parseAmountToCents(text: string, language: string): number | null {
	let value = text.trim().replace(/[$\s\u00a0\u202f]/g, '');
	if (value === '') return null;
	if (language === 'fr') {
		value = value.replace(',', '.');
	} else {
		value = value.replace(/,(?=\d{3}(\D|$))/g, '');
	}
	if (!/^\d+(\.\d{1,2})?$/.test(value)) return null;
	const [dollars, fraction = ''] = value.split('.');
	const cents = Number(dollars) * 100 + Number(fraction.padEnd(2, '0'));
	return Number.isSafeInteger(cents) ? cents : null;
}
