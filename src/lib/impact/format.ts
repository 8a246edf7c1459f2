import { m } from '#lib/paraglide/messages.js';

// How a figure is written, in the reader's language: 7.3 million / 7,3 millions,
// 1,775+ / 1 775+, at least 73% / au moins 73 %, 15–30% / 15–30 %.

export type Locale = 'en' | 'fr';

// Building an Intl.NumberFormat costs more than formatting with it: one per
// locale and style, made once.
const STYLES = {
	plain: { maximumFractionDigits: 2 },
	percent: { style: 'percent', maximumFractionDigits: 2 },
	compact: { notation: 'compact', compactDisplay: 'long', maximumFractionDigits: 1 }
} satisfies Record<string, Intl.NumberFormatOptions>;
const formatters = new Map<string, Intl.NumberFormat>();

export function numberFormat(locale: Locale, style: keyof typeof STYLES): Intl.NumberFormat {
	const key = `${locale}:${style}`;
	let formatter = formatters.get(key);
	if (!formatter) {
		formatter = new Intl.NumberFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', STYLES[style]);
		formatters.set(key, formatter);
	}
	return formatter;
}

function plain(value: number, locale: Locale): string {
	return numberFormat(locale, 'plain').format(value);
}

function percent(value: number, locale: Locale): string {
	return numberFormat(locale, 'percent').format(value / 100);
}

/** A headline figure with its qualifier. */
export function formatMetric(
	metric: { value: number; unit: string; qualifier: string },
	locale: Locale
): string {
	const number =
		metric.unit === 'percent'
			? percent(metric.value, locale)
			: metric.value >= 1_000_000
				? numberFormat(locale, 'compact').format(metric.value)
				: plain(metric.value, locale);
	if (metric.qualifier === 'plus') return m.impact_value_plus({ value: number }, { locale });
	if (metric.qualifier === 'at_least')
		return m.impact_value_at_least({ value: number }, { locale });
	return number;
}

/** One chart value (or range), as the table and the labels write it. */
export function formatPoint(
	point: { value: number; value_low: number | null },
	unit: 'percent' | 'percent_drop' | 'rate',
	locale: Locale
): string {
	const one = (value: number) => (unit === 'rate' ? plain(value, locale) : percent(value, locale));
	const text =
		point.value_low === null
			? one(point.value)
			: m.impact_value_range(
					{ low: plain(point.value_low, locale), high: one(point.value) },
					{ locale }
				);
	return unit === 'percent_drop' ? m.impact_value_drop({ value: text }, { locale }) : text;
}
