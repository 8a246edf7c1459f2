import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';

export const PROVINCES = [
	'AB',
	'BC',
	'MB',
	'NB',
	'NL',
	'NS',
	'NT',
	'NU',
	'ON',
	'PE',
	'QC',
	'SK',
	'YT'
] as const;

/** A Canadian postal code (A1A 1A1), written the way Canada Post prints it. */
export const postalCode = v.pipe(
	v.string(),
	v.trim(),
	v.toUpperCase(),
	v.check(
		(value) =>
			value === '' ||
			/^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/.test(value),
		() => m.supporter_error_postal_code()
	),
	v.transform((value) =>
		value === '' ? '' : `${value.replace(' ', '').slice(0, 3)} ${value.replace(' ', '').slice(3)}`
	)
);

/** The supporter details form in the admin. */
export const supporterDetailsSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(254, () => m.supporter_error_email()),
		v.email(() => m.supporter_error_email())
	),
	first_name: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(100, () => m.supporter_error_name())
	),
	last_name: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(100, () => m.supporter_error_name())
	),
	language: v.picklist(['en', 'fr']),
	postal_code: postalCode,
	province: v.picklist(['', ...PROVINCES])
});

/** A staff note about a supporter. */
export const supporterNoteSchema = v.object({
	body: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.supporter_error_note_empty()),
		v.maxLength(5000, () => m.supporter_error_note_long())
	)
});

/** A tag's name: what staff type ("volunteer"), kept as typed, matched in any case. */
export const tagName = v.pipe(
	v.string(),
	v.trim(),
	v.minLength(1, () => m.tag_error_empty()),
	v.maxLength(60, () => m.tag_error_long())
);

/** Add or remove a tag on the ticked supporters or on all that match the filter. */
export const bulkTagSchema = v.object({
	tag: tagName,
	change: v.picklist(['add', 'remove']),
	scope: v.picklist(['selected', 'all'])
});

/** One tag on one supporter. */
export const supporterTagSchema = v.object({ tag: tagName });

/** A segment's name. */
export const segmentNameSchema = v.object({
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.segment_error_name_empty()),
		v.maxLength(100, () => m.segment_error_name_long())
	)
});

/** The other record's address, to merge it into this one. */
export const mergeLookupSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(254, () => m.supporter_error_email()),
		v.email(() => m.supporter_error_email())
	)
});
