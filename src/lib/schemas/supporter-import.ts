import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { PROVINCES, supporterDetailsSchema } from './supporter.ts';

// Importing supporters from a CSV file: the fields a column can fill, the
// mapping form, and the rules one row of the file must meet. A row's problems
// are kept as reason codes (not sentences), so the report and the file of
// rejected rows are in the language of whoever reads them.

export const IMPORT_FIELDS = [
	'email',
	'first_name',
	'last_name',
	'language',
	'postal_code',
	'province',
	'tags',
	'consent',
	'consent_date',
	'consent_source',
	'consent_wording',
	'consent_kind'
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ColumnTarget = ImportField | 'ignore';

export const MAX_FILE_MB = 20;
export const MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024;
export const MAX_COLUMNS = 100;

export function fieldLabel(field: ColumnTarget): string {
	const labels: Record<ColumnTarget, () => string> = {
		ignore: m.import_field_ignore,
		email: m.import_field_email,
		first_name: m.import_field_first_name,
		last_name: m.import_field_last_name,
		language: m.import_field_language,
		postal_code: m.import_field_postal_code,
		province: m.import_field_province,
		tags: m.import_field_tags,
		consent: m.import_field_consent,
		consent_date: m.import_field_consent_date,
		consent_source: m.import_field_consent_source,
		consent_wording: m.import_field_consent_wording,
		consent_kind: m.import_field_consent_kind
	};
	return labels[field]();
}

// ---------------------------------------------------------------------------
// The mapping form: one select per column (`column_0`, `column_1`, ...) and an
// optional tag for everyone imported.

const target = v.picklist(['ignore', ...IMPORT_FIELDS]);

/** The mapping form for a file of `columns` columns. */
export function mappingSchema(columns: number) {
	const entries: Record<string, typeof target> = {};
	for (let index = 0; index < columns; index += 1) entries[`column_${index}`] = target;
	return v.pipe(
		v.object({
			...entries,
			tag: v.pipe(
				v.optional(v.string(), ''),
				v.trim(),
				v.maxLength(60, () => m.import_error_tag())
			)
		}),
		v.rawCheck(({ dataset, addIssue }) => {
			if (!dataset.typed) return;
			const chosen = Array.from(
				{ length: columns },
				(_, index) => (dataset.value as Record<string, string>)[`column_${index}`]
			);
			const issueAt = (index: number, message: string) =>
				addIssue({
					message,
					path: [
						{
							type: 'object',
							origin: 'value',
							input: dataset.value as Record<string, unknown>,
							key: `column_${index}`,
							value: chosen[index]
						}
					]
				});
			if (!chosen.includes('email')) {
				// About the whole table, not one column: shown above it.
				addIssue({
					message: m.import_error_map_email(),
					path: [
						{
							type: 'object',
							origin: 'value',
							input: dataset.value as Record<string, unknown>,
							key: 'mapping',
							value: undefined
						}
					]
				});
			}
			chosen.forEach((field, index) => {
				if (field !== 'ignore' && chosen.indexOf(field) !== index) {
					issueAt(index, m.import_error_map_twice({ field: fieldLabel(field as ColumnTarget) }));
				}
			});
		})
	);
}

/** The mapping as stored: a target per column. */
export function mappingFromForm(columns: number, output: Record<string, string>): ColumnTarget[] {
	return Array.from({ length: columns }, (_, index) => output[`column_${index}`] as ColumnTarget);
}

// ---------------------------------------------------------------------------
// One row of the file, read through the mapping (an unmapped field is '').

export const REASON_CODES = [
	'email_missing',
	'email_invalid',
	'duplicate',
	'first_name_long',
	'last_name_long',
	'language_invalid',
	'province_invalid',
	'postal_code_invalid',
	'tag_long',
	'consent_invalid',
	'consent_date_invalid',
	'consent_date_future',
	'consent_kind_invalid',
	'consent_source_long',
	'consent_wording_long'
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export interface Reason {
	code: ReasonCode;
	/** For a duplicate: the row it repeats. */
	row?: number;
}

type Locale = 'en' | 'fr';

/** A reason as the reader's language says it (the page's, unless `locale` is given). */
export function reasonMessage(reason: Reason, locale?: Locale): string {
	const options = locale ? { locale } : {};
	const messages: Record<ReasonCode, () => string> = {
		email_missing: () => m.import_reason_email_missing({}, options),
		email_invalid: () => m.import_reason_email_invalid({}, options),
		duplicate: () =>
			reason.row === undefined
				? m.import_reason_duplicate_any({}, options)
				: m.import_reason_duplicate({ row: reason.row }, options),
		first_name_long: () => m.import_reason_first_name_long({}, options),
		last_name_long: () => m.import_reason_last_name_long({}, options),
		language_invalid: () => m.import_reason_language_invalid({}, options),
		province_invalid: () => m.import_reason_province_invalid({}, options),
		postal_code_invalid: () => m.import_reason_postal_code_invalid({}, options),
		tag_long: () => m.import_reason_tag_long({}, options),
		consent_invalid: () => m.import_reason_consent_invalid({}, options),
		consent_date_invalid: () => m.import_reason_consent_date_invalid({}, options),
		consent_date_future: () => m.import_reason_consent_date_future({}, options),
		consent_kind_invalid: () => m.import_reason_consent_kind_invalid({}, options),
		consent_source_long: () => m.import_reason_consent_source_long({}, options),
		consent_wording_long: () => m.import_reason_consent_wording_long({}, options)
	};
	return (messages[reason.code] ?? (() => reason.code))();
}

/** Lower case, accents and punctuation gone: "Québec" and "quebec." read alike. */
export function plain(value: string): string {
	return value
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

const LANGUAGES = new Map<string, 'en' | 'fr'>([
	['en', 'en'],
	['eng', 'en'],
	['english', 'en'],
	['anglais', 'en'],
	['ang', 'en'],
	['fr', 'fr'],
	['fra', 'fr'],
	['fre', 'fr'],
	['french', 'fr'],
	['francais', 'fr']
]);

/** English or French, however the file writes it ("Français", "anglais", "EN"). */
export function readLanguage(value: string): 'en' | 'fr' | undefined {
	return LANGUAGES.get(plain(value));
}

type Province = (typeof PROVINCES)[number];
const PROVINCE_NAMES = new Map<string, Province>(
	Object.entries({
		alberta: 'AB',
		alta: 'AB',
		'british columbia': 'BC',
		'colombie britannique': 'BC',
		manitoba: 'MB',
		man: 'MB',
		'new brunswick': 'NB',
		'nouveau brunswick': 'NB',
		'newfoundland and labrador': 'NL',
		'newfoundland labrador': 'NL',
		newfoundland: 'NL',
		'terre neuve et labrador': 'NL',
		'terre neuve': 'NL',
		nf: 'NL',
		nfld: 'NL',
		'nova scotia': 'NS',
		'nouvelle ecosse': 'NS',
		'northwest territories': 'NT',
		'territoires du nord ouest': 'NT',
		nwt: 'NT',
		nunavut: 'NU',
		ontario: 'ON',
		ont: 'ON',
		'prince edward island': 'PE',
		'ile du prince edouard': 'PE',
		pei: 'PE',
		quebec: 'QC',
		que: 'QC',
		pq: 'QC',
		saskatchewan: 'SK',
		sask: 'SK',
		yukon: 'YT',
		'yukon territory': 'YT',
		yk: 'YT'
	}) as [string, Province][]
);

export function readProvince(value: string): Province | undefined {
	const key = plain(value);
	const code = key.toUpperCase();
	return (PROVINCES as readonly string[]).includes(code)
		? (code as Province)
		: PROVINCE_NAMES.get(key);
}

const YES = new Set(['yes', 'y', 'oui', 'o', 'true', 'vrai', '1', 'x', '✓', '✔', '☑']);
const NO = new Set(['', 'no', 'n', 'non', 'false', 'faux', '0']);

/** Yes, no, or undefined when the cell says neither. */
export function readConsent(value: string): boolean | undefined {
	const word = value.trim().length === 1 ? value.trim().toLowerCase() : plain(value);
	return YES.has(word) ? true : NO.has(word) ? false : undefined;
}

export type ConsentKind = 'express' | 'gift' | 'enquiry';
/** express (a ticked box), or implied from a gift or from an enquiry (CASL). */
export function readConsentKind(value: string): ConsentKind | undefined {
	const words = plain(value).split(' ');
	if (
		words.length === 1 &&
		['', 'express', 'expres', 'expresse', 'explicit', 'explicite'].includes(words[0])
	)
		return 'express';
	if (
		words.some((word) =>
			['gift', 'donation', 'don', 'donor', 'donateur', 'donatrice'].includes(word)
		)
	)
		return 'gift';
	if (words.some((word) => /^(enquir|inquir|demande|renseignement)/.test(word))) return 'enquiry';
	return undefined;
}

/**
 * A consent date: YYYY-MM-DD (or with / or a time, ISO 8601). A date alone is
 * that day at 00:00 UTC: the earliest it can mean, so a withdrawal made that
 * day is never overridden by it. Undefined if it is not a real date.
 */
export function readConsentDate(value: string): Date | undefined {
	const match =
		/^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
			value.trim()
		);
	if (!match) return undefined;
	const [, year, month, day, hour = '0', minute = '0', second = '0', zone] = match;
	const utc = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
	const check = new Date(utc);
	if (
		check.getUTCFullYear() !== +year ||
		check.getUTCMonth() !== +month - 1 ||
		check.getUTCDate() !== +day ||
		+hour > 23 ||
		+year < 1900
	)
		return undefined;
	if (!zone || zone.toUpperCase() === 'Z') return check;
	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.slice(1).replace(':', '');
	const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
	return new Date(utc - offset * 60_000);
}

const details = supporterDetailsSchema.entries;
const text = v.pipe(v.optional(v.string(), ''), v.trim());

/** What a row of the file must be; each problem's message is its reason code. */
export const importRowSchema = v.object({
	email: v.pipe(
		text,
		v.nonEmpty('email_missing'),
		v.check((value) => v.is(details.email, value), 'email_invalid')
	),
	first_name: v.pipe(
		text,
		v.check((value) => v.is(details.first_name, value), 'first_name_long')
	),
	last_name: v.pipe(
		text,
		v.check((value) => v.is(details.last_name, value), 'last_name_long')
	),
	language: v.pipe(
		text,
		v.check((value) => value === '' || readLanguage(value) !== undefined, 'language_invalid'),
		v.transform((value) => (value === '' ? null : readLanguage(value)!))
	),
	postal_code: v.pipe(
		text,
		v.check((value) => v.is(details.postal_code, value), 'postal_code_invalid'),
		v.transform((value) => v.parse(details.postal_code, value) || null)
	),
	province: v.pipe(
		text,
		v.check((value) => value === '' || readProvince(value) !== undefined, 'province_invalid'),
		v.transform((value) => (value === '' ? null : readProvince(value)!))
	),
	tags: v.pipe(
		text,
		v.transform((value) => {
			// One of each, whatever its letter case (tags are one per lower(name)).
			const tags = new Map<string, string>();
			for (const part of value.split(/[;,]/)) {
				const tag = part.trim().replace(/\s+/g, ' ');
				if (tag !== '' && !tags.has(tag.toLowerCase())) tags.set(tag.toLowerCase(), tag);
			}
			return [...tags.values()];
		}),
		v.check((tags) => tags.every((tag) => tag.length <= 60), 'tag_long')
	),
	consent: v.pipe(
		text,
		v.check((value) => readConsent(value) !== undefined, 'consent_invalid'),
		v.transform((value) => readConsent(value)!)
	),
	consent_date: v.pipe(
		text,
		v.check(
			(value) => value === '' || readConsentDate(value) !== undefined,
			'consent_date_invalid'
		),
		v.check(
			(value) => value === '' || (readConsentDate(value)?.getTime() ?? 0) <= Date.now(),
			'consent_date_future'
		),
		v.transform((value) => (value === '' ? null : readConsentDate(value)!))
	),
	consent_source: v.pipe(text, v.maxLength(200, 'consent_source_long')),
	consent_wording: v.pipe(text, v.maxLength(4000, 'consent_wording_long')),
	consent_kind: v.pipe(
		text,
		v.check((value) => readConsentKind(value) !== undefined, 'consent_kind_invalid'),
		v.transform((value) => readConsentKind(value)!)
	)
});

export type ImportRow = v.InferOutput<typeof importRowSchema>;

/** The upload form: one CSV file, 20 MB at most. */
export const uploadSchema = v.object({
	file: v.pipe(
		v.file(() => m.import_error_no_file()),
		// A form sent with no file chosen carries an empty, nameless one.
		v.check(
			(file) => file.name !== '' || file.size > 0,
			() => m.import_error_no_file()
		),
		v.maxSize(MAX_FILE_BYTES, () => m.import_error_too_large())
	)
});
