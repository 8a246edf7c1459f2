import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import type { FieldErrors } from './form.ts';

// The staff's email editor. Field names are flat (a_en_subject, b_fr_body...) so it
// works as a plain HTML form. A draft may be saved half-written (French still to
// do); it must be complete before it is tested or sent (`completeErrors`).

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const TOPICS = ['results', 'campaigns', 'giving'] as const;
export const CTA_KINDS = ['read', 'sign', 'give'] as const;
export const AB_TESTS = ['none', 'subject', 'body'] as const;

export interface TextFields {
	subject: string;
	preheader: string;
	body: string;
	cta: { label: string; url: string; kind: (typeof CTA_KINDS)[number] } | null;
}
export type VariantFields = Record<Language, TextFields>;

export interface EditorFields {
	name: string;
	topic: (typeof TOPICS)[number];
	track_opens: boolean;
	content: { a: VariantFields; b?: VariantFields };
	ab: {
		test: 'subject' | 'body';
		sample_percent: number;
		metric: 'opens' | 'clicks';
		decide_after_minutes: number;
	} | null;
	audience: { segments: string[]; filter?: Record<string, unknown> };
}

const optionalText = (max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(max, () => m.broadcast_error_long({ max }))
	);

/** A link staff give a button: http(s), or a path on this site ("/donate"). */
const optionalUrl = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.maxLength(2000, () => m.broadcast_error_long({ max: 2000 })),
	v.check(
		(url) =>
			url === '' || /^\/(?!\/)\S*$/.test(url) || /^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/.test(url),
		() => m.broadcast_error_url()
	)
);

/** One language of one variant's fields (<prefix>_subject, ...), as ContentFields names them. */
export function textEntries(prefix: string) {
	return {
		[`${prefix}_subject`]: optionalText(200),
		[`${prefix}_preheader`]: optionalText(200),
		[`${prefix}_body`]: optionalText(50_000),
		[`${prefix}_cta_label`]: optionalText(80),
		[`${prefix}_cta_url`]: optionalUrl,
		[`${prefix}_cta_kind`]: v.optional(v.picklist(CTA_KINDS), 'read')
	};
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const editorSchema = v.pipe(
	v.object({
		name: v.pipe(
			v.string(),
			v.trim(),
			v.minLength(1, () => m.broadcast_error_required()),
			v.maxLength(200, () => m.broadcast_error_long({ max: 200 }))
		),
		topic: v.picklist(TOPICS, () => m.broadcast_error_topic()),
		track_opens: v.optional(v.string()),
		ab_test: v.optional(v.picklist(AB_TESTS), 'none'),
		ab_sample_percent: v.optional(
			v.pipe(
				v.string(),
				v.toNumber(),
				v.integer(() => m.broadcast_error_sample()),
				v.minValue(2, () => m.broadcast_error_sample()),
				v.maxValue(50, () => m.broadcast_error_sample())
			),
			'20'
		),
		ab_metric: v.optional(v.picklist(['opens', 'clicks']), 'opens'),
		ab_decide_after_hours: v.optional(
			v.pipe(
				v.string(),
				v.toNumber(),
				v.minValue(0.25, () => m.broadcast_error_hours()),
				v.maxValue(168, () => m.broadcast_error_hours())
			),
			'4'
		),
		segments: v.optional(v.string(), ''),
		audience_petition: v.optional(v.string(), ''),
		audience_campaign: v.optional(v.string(), ''),
		audience_language: v.optional(v.picklist(['', 'en', 'fr']), ''),
		...textEntries('a_en'),
		...textEntries('a_fr'),
		...textEntries('b_en'),
		...textEntries('b_fr')
	}),
	v.transform((input): EditorFields => {
		const row = input as unknown as Record<string, string>;
		const text = (prefix: string): TextFields => ({
			subject: row[`${prefix}_subject`],
			preheader: row[`${prefix}_preheader`],
			body: row[`${prefix}_body`],
			cta:
				row[`${prefix}_cta_label`] || row[`${prefix}_cta_url`]
					? {
							label: row[`${prefix}_cta_label`],
							url: row[`${prefix}_cta_url`],
							kind: row[`${prefix}_cta_kind`] as (typeof CTA_KINDS)[number]
						}
					: null
		});
		const a = { en: text('a_en'), fr: text('a_fr') };
		let b: VariantFields | undefined;
		if (input.ab_test === 'subject') {
			// Only the subject differs: everything else is a's.
			b = {
				en: { ...a.en, subject: row.b_en_subject },
				fr: { ...a.fr, subject: row.b_fr_subject }
			};
		} else if (input.ab_test === 'body') {
			b = { en: text('b_en'), fr: text('b_fr') };
		}
		const filter: Record<string, unknown> = {};
		if (UUID.test(input.audience_petition)) filter.petition = input.audience_petition;
		if (UUID.test(input.audience_campaign)) filter.campaign = input.audience_campaign;
		if (input.audience_language) filter.language = input.audience_language;
		return {
			name: input.name,
			topic: input.topic,
			track_opens: input.track_opens === 'on',
			content: b ? { a, b } : { a },
			ab:
				input.ab_test === 'none'
					? null
					: {
							test: input.ab_test,
							sample_percent: input.ab_sample_percent,
							metric: input.ab_metric,
							decide_after_minutes: Math.round(input.ab_decide_after_hours * 60)
						},
			audience: {
				segments: input.segments
					.split(',')
					.map((id) => id.trim())
					.filter((id) => UUID.test(id)),
				...(Object.keys(filter).length > 0 ? { filter } : {})
			}
		};
	})
);

/**
 * What a draft still lacks before it can be tested or sent, by field: a subject
 * and a body in both languages (and variant b's, in an A/B test), and both parts
 * of a button.
 */
export function completeErrors(fields: EditorFields): FieldErrors {
	const errors: FieldErrors = {};
	const variants = fields.ab?.test === 'body' ? (['a', 'b'] as const) : (['a'] as const);
	for (const variant of variants) {
		const content = fields.content[variant];
		if (!content) continue;
		for (const language of LANGUAGES) {
			const text = content[language];
			const prefix = `${variant}_${language}`;
			if (!text.subject) errors[`${prefix}_subject`] = [m.broadcast_error_required()];
			if (!text.body) errors[`${prefix}_body`] = [m.broadcast_error_required()];
			if (text.cta && !text.cta.label) errors[`${prefix}_cta_label`] = [m.broadcast_error_cta()];
			if (text.cta && !text.cta.url) errors[`${prefix}_cta_url`] = [m.broadcast_error_cta()];
		}
	}
	if (fields.ab?.metric === 'opens' && !fields.track_opens) {
		errors.ab_metric = [m.broadcast_error_opens_untracked()];
	}
	if (fields.ab?.test === 'subject') {
		for (const language of LANGUAGES) {
			if (!fields.content.b?.[language].subject)
				errors[`b_${language}_subject`] = [m.broadcast_error_required()];
		}
	}
	return errors;
}

/** The form's fields filled from a saved broadcast, to show it again. */
export function editorValues(broadcast: {
	name: string;
	topic: string;
	track_opens: boolean;
	content: { a?: VariantFields; b?: VariantFields };
	ab: EditorFields['ab'];
	audience: EditorFields['audience'];
}): Record<string, string> {
	const values: Record<string, string> = {
		name: broadcast.name,
		topic: broadcast.topic,
		track_opens: broadcast.track_opens ? 'on' : '',
		ab_test: broadcast.ab?.test ?? 'none',
		ab_sample_percent: String(broadcast.ab?.sample_percent ?? 20),
		ab_metric: broadcast.ab?.metric ?? 'opens',
		ab_decide_after_hours: String((broadcast.ab?.decide_after_minutes ?? 240) / 60),
		segments: broadcast.audience.segments.join(','),
		audience_petition: String(broadcast.audience.filter?.petition ?? ''),
		audience_campaign: String(broadcast.audience.filter?.campaign ?? ''),
		audience_language: String(broadcast.audience.filter?.language ?? '')
	};
	for (const variant of ['a', 'b'] as const) {
		for (const language of LANGUAGES) {
			const text = broadcast.content[variant]?.[language];
			const prefix = `${variant}_${language}`;
			values[`${prefix}_subject`] = text?.subject ?? '';
			values[`${prefix}_preheader`] = text?.preheader ?? '';
			values[`${prefix}_body`] = text?.body ?? '';
			values[`${prefix}_cta_label`] = text?.cta?.label ?? '';
			values[`${prefix}_cta_url`] = text?.cta?.url ?? '';
			values[`${prefix}_cta_kind`] = text?.cta?.kind ?? 'read';
		}
	}
	return values;
}
