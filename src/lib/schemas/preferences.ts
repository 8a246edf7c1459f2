import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import type { FieldErrors } from './form.ts';

// The preference centre's form (/preferences/<token>): the topics ticked (checkboxes
// all named "topics", so a list) and the language of our emails. Messages are
// functions: read in the reader's language.

export const preferencesSchema = v.object({
	// No radio chosen sends no field at all: the same mistake as a wrong value.
	language: v.pipe(
		v.optional(v.string(), ''),
		v.picklist(['en', 'fr'], () => m.preferences_error_language())
	),
	// Unticking every box sends none: no topics wanted.
	topics: v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*$/)))
});

/** Reads the form with its schema, as parseForm does, keeping the list of topics. */
export function parsePreferencesForm(
	formData: FormData
):
	| { ok: true; output: v.InferOutput<typeof preferencesSchema> }
	| { ok: false; errors: FieldErrors } {
	const language = formData.get('language');
	const parsed = v.safeParse(preferencesSchema, {
		language: typeof language === 'string' ? language : undefined,
		topics: formData.getAll('topics').filter((topic) => typeof topic === 'string')
	});
	if (parsed.success) return { ok: true, output: parsed.output };
	return { ok: false, errors: (v.flatten(parsed.issues).nested ?? {}) as FieldErrors };
}
