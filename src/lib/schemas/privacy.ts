import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';

// The privacy request form at /privacy. Messages are functions: read in the reader's language.

export const PRIVACY_KINDS = ['access', 'erasure'] as const;

export const privacyRequestSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty(() => m.privacy_error_email()),
		v.maxLength(254, () => m.privacy_error_email()),
		v.email(() => m.privacy_error_email())
	),
	// No radio chosen sends no field at all: that is the same mistake as a wrong value.
	kind: v.pipe(
		v.optional(v.string(), ''),
		v.picklist(PRIVACY_KINDS, () => m.privacy_error_kind())
	)
});

/** The buttons on a confirmation link's page carry the link's token. */
export const privacyTokenSchema = v.object({
	token: v.pipe(v.string(), v.regex(/^[a-z2-7]{32}$/))
});
