import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { postalCode } from './supporter.ts';

// The petition form (/petitions/<slug> and its embed), checked with the same
// schema in the browser before sending and on the server. Messages are functions:
// read in the reader's language.

const name = (missing: () => string) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty(missing),
		v.maxLength(100, () => m.petition_error_name_long())
	);

/** A ticked box sends its value; an unticked one sends nothing at all. */
const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((value) => value !== '')
);

export const COMMENT_MAX = 500;

export const petitionSignatureSchema = v.object({
	first_name: name(() => m.petition_error_first_name()),
	last_name: name(() => m.petition_error_last_name()),
	email: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty(() => m.petition_error_email()),
		v.maxLength(254, () => m.petition_error_email()),
		v.email(() => m.petition_error_email())
	),
	postal_code: v.pipe(
		v.optional(v.string(), ''),
		postalCode,
		v.nonEmpty(() => m.petition_error_postal_code())
	),
	comment: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(COMMENT_MAX, () => m.petition_error_comment_long({ max: COMMENT_MAX }))
	),
	consent: checkbox,
	show_name: checkbox
});

export type PetitionSignatureInput = v.InferOutput<typeof petitionSignatureSchema>;

/** Why a signature was not recorded, said above the form. */
export type SignProblem = 'honeypot' | 'too-fast' | 'expired' | 'rate-ip' | 'rate-email' | 'closed';

/** The fields a form shows again after a refusal (never the spam checks' own fields). */
export const PETITION_FIELDS = [
	'first_name',
	'last_name',
	'email',
	'postal_code',
	'comment',
	'consent',
	'show_name'
] as const;

/** "Yes, email me the results" on the thank-you page: the box must be ticked. */
export const petitionLaterConsentSchema = v.object({
	consent: v.pipe(
		v.optional(v.string(), ''),
		v.nonEmpty(() => m.petition_later_error())
	)
});
