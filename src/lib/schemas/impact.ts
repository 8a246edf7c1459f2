import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';

// The admin's impact forms. Field names are flat (en_label, fr_label...) so the
// forms work as plain HTML; the schemas turn them into the shape the SQL takes.

const number = v.pipe(
	v.string(),
	v.trim(),
	v.regex(/^\d+([.,]\d+)?$/, () => m.impact_admin_error_number()),
	v.transform((value) => Number(value.replace(',', '.')))
);

const text = (max: number) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.impact_admin_error_required()),
		v.maxLength(max, () => m.impact_admin_error_long({ max }))
	);

const sourceUrl = v.pipe(
	v.string(),
	v.trim(),
	v.check(
		(value) => value === '' || /^https:\/\/[^\s]+$/.test(value),
		() => m.impact_admin_error_url()
	)
);

const texts = {
	en_label: text(200),
	en_as_of: text(60),
	en_place: text(200),
	en_measured: text(500),
	fr_label: text(200),
	fr_as_of: text(60),
	fr_place: text(200),
	fr_measured: text(500)
};

function byLanguage(input: Record<string, string>) {
	const pick = (language: 'en' | 'fr') => ({
		label: input[`${language}_label`],
		as_of: input[`${language}_as_of`],
		place: input[`${language}_place`],
		measured: input[`${language}_measured`]
	});
	return { en: pick('en'), fr: pick('fr') };
}

export const metricSchema = v.pipe(
	v.object({
		value: number,
		qualifier: v.picklist(['exact', 'plus', 'at_least']),
		verification: v.picklist(['verified', 'secondary']),
		source_title: text(300),
		source_url: sourceUrl,
		published: v.optional(v.string()),
		...texts
	}),
	v.transform((input) => ({
		value: input.value,
		qualifier: input.qualifier,
		verification: input.verification,
		source_title: input.source_title,
		source_url: input.source_url,
		published: input.published === 'on',
		...byLanguage(input as unknown as Record<string, string>)
	}))
);

export const pointSchema = v.pipe(
	v.object({
		value: number,
		value_low: v.union([
			v.pipe(
				v.string(),
				v.trim(),
				v.length(0),
				v.transform(() => null)
			),
			number
		]),
		source_title: text(300),
		source_url: sourceUrl,
		...texts,
		en_label: text(100),
		fr_label: text(100)
	}),
	v.forward(
		v.check(
			(input) => input.value_low === null || input.value_low < input.value,
			() => m.impact_admin_error_range()
		),
		['value_low']
	),
	v.transform((input) => ({
		value: input.value,
		value_low: input.value_low,
		source_title: input.source_title,
		source_url: input.source_url,
		...byLanguage(input as unknown as Record<string, string>)
	}))
);
