// Staff write stories, letters and updates as plain text: paragraphs separated by
// blank lines. Pages show them as paragraphs, escaped like any text.

export function paragraphs(text: string): string[] {
	return text
		.split(/\r?\n\s*\r?\n/)
		.map((paragraph) => paragraph.trim())
		.filter(Boolean);
}

/** A date as a reader in that language writes it ("June 30, 2027" / "30 juin 2027"), Eastern time. */
export function formatDate(iso: string, language: string): string {
	return new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
		dateStyle: 'long',
		timeZone: 'America/Toronto'
	}).format(new Date(iso));
}

/** An amount of money in cents, as a reader in that language writes it ("$50,000" / "50 000 $"). */
export function formatMoney(cents: number, currency: string, language: string): string {
	return new Intl.NumberFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
		style: 'currency',
		currency: currency.toUpperCase(),
		maximumFractionDigits: cents % 100 === 0 ? 0 : 2
	}).format(cents / 100);
}
