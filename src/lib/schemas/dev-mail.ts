import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';

/** The mail viewer's "queue a sample" form. Messages are functions: read in the reader's language. */
export const sampleEmailSchema = v.object({
	to: v.pipe(
		v.string(),
		v.trim(),
		v.email(() => m.devmail_error_email())
	),
	language: v.picklist(['en', 'fr'])
});
