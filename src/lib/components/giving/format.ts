// Dates on the donor's pages, as a reader in their language writes them, in the
// charity's time zone (the one receipts use).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, style: 'long' | 'medium'): Intl.DateTimeFormat {
	const key = `${language}:${style}`;
	let format = formatters.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
			dateStyle: style,
			timeZone: 'America/Toronto'
		});
		formatters.set(key, format);
	}
	return format;
}

/** "March 3, 2027" / "3 mars 2027"; short: "Mar 3, 2027" / "3 mars 2027" (for tables). */
export function formatDate(
	iso: string,
	language: string,
	style: 'long' | 'medium' = 'long'
): string {
	return formatter(language, style).format(new Date(iso));
}

/** A calendar day (YYYY-MM-DD) as written, whatever the time zone. */
export function formatDay(day: string, language: string): string {
	return new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
		dateStyle: 'medium',
		timeZone: 'UTC'
	}).format(new Date(`${day}T12:00:00Z`));
}
