import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { CTA_KINDS, LANGUAGES, textEntries, type Language, type TextFields } from './broadcast.ts';
import type { FieldErrors } from './form.ts';

// An automated email's editor (/admin/emails/automations/<key>): the words in
// English and French, with the broadcast editor's fields and rules (prefix a), and
// the days it waits. Unlike a broadcast draft, what is saved goes out as it is, so
// it must be complete to be saved (`automationErrors`).

export const AUTOMATION_KEYS = [
	'welcome-1',
	'welcome-2',
	'petition-thanks',
	'gift-at-work'
] as const;
export type AutomationKey = (typeof AUTOMATION_KEYS)[number];

export function isAutomationKey(value: string): value is AutomationKey {
	return (AUTOMATION_KEYS as readonly string[]).includes(value);
}

/** Turning one on or off (the list's and the editor's button). */
export const toggleSchema = v.object({
	key: v.picklist(AUTOMATION_KEYS),
	enabled: v.picklist(['true', 'false'])
});

export interface AutomationFields {
	/** Null when the form has no delay (the petition thank-you). */
	delayDays: number | null;
	content: Record<Language, TextFields>;
}

export const automationSchema = v.pipe(
	v.object({
		delay_days: v.optional(
			v.pipe(
				v.string(),
				v.trim(),
				v.check(
					(days) => days === '' || (/^\d{1,3}$/.test(days) && Number(days) <= 365),
					() => m.automation_error_delay()
				)
			),
			''
		),
		...textEntries('a_en'),
		...textEntries('a_fr')
	}),
	v.transform((input): AutomationFields => {
		const row = input as Record<string, string>;
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
		return {
			delayDays: input.delay_days === '' ? null : Number(input.delay_days),
			content: { en: text('a_en'), fr: text('a_fr') }
		};
	})
);

/** An address of the donation pages (/donate, /fr/giving...). */
const DONATION_PAGE = /\/(fr\/)?(donate|giving)\b/;
/** A Markdown link to them. */
const DONATION_LINK = /\]\([^)]*\/(fr\/)?(donate|giving)\b/;

/** What is missing before it can be saved: a subject and a body in both languages, both parts of a button, the delay. */
export function automationErrors(
	fields: AutomationFields,
	options: { needsDelay: boolean; transactional?: boolean }
): FieldErrors {
	const errors: FieldErrors = {};
	if (options.needsDelay && fields.delayDays === null) {
		errors.delay_days = [m.automation_error_delay()];
	}
	for (const language of LANGUAGES) {
		const text = fields.content[language];
		const prefix = `a_${language}`;
		if (!text.subject) errors[`${prefix}_subject`] = [m.broadcast_error_required()];
		if (!text.body) errors[`${prefix}_body`] = [m.broadcast_error_required()];
		if (text.cta && !text.cta.label) errors[`${prefix}_cta_label`] = [m.broadcast_error_cta()];
		if (text.cta && !text.cta.url) errors[`${prefix}_cta_url`] = [m.broadcast_error_cta()];
		// Sent to every signer, with or without consent: under CASL it must not ask
		// for money (that needs consent, and a broadcast).
		if (options.transactional) {
			if (text.cta?.kind === 'give' || DONATION_PAGE.test(text.cta?.url ?? '')) {
				errors[`${prefix}_cta_kind`] = [m.automation_error_no_appeal()];
			}
			if (DONATION_LINK.test(text.body))
				errors[`${prefix}_body`] = [m.automation_error_no_appeal()];
		}
	}
	return errors;
}

/** The form's fields filled from an automation's words and delay. */
export function automationValues(
	content: Record<Language, TextFields>,
	delayDays: number
): Record<string, string> {
	const values: Record<string, string> = { delay_days: String(delayDays) };
	for (const language of LANGUAGES) {
		const text = content[language];
		const prefix = `a_${language}`;
		values[`${prefix}_subject`] = text.subject;
		values[`${prefix}_preheader`] = text.preheader;
		values[`${prefix}_body`] = text.body;
		values[`${prefix}_cta_label`] = text.cta?.label ?? '';
		values[`${prefix}_cta_url`] = text.cta?.url ?? '';
		values[`${prefix}_cta_kind`] = text.cta?.kind ?? 'read';
	}
	return values;
}
