import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import {
	IMPORT_FIELDS,
	importRowSchema,
	type ColumnTarget,
	type ConsentKind,
	type ImportField,
	type Reason,
	type ReasonCode
} from '#lib/schemas/supporter-import.ts';

// One row of the file, read through the mapping and checked: what the batch
// function (supporter_import_apply) applies, or the reasons it is rejected.
// Empty cells are null, so an existing supporter keeps what the file leaves out.

/** The shape of public.supporter_import_input (see the migration). */
export interface ImportInput {
	row_number: number;
	/** lower(email) when the address is valid: duplicates and existing supporters are found by it. */
	email_key: string | null;
	reasons: Reason[];
	email: string | null;
	first_name: string | null;
	last_name: string | null;
	language: 'en' | 'fr' | null;
	postal_code: string | null;
	province: string | null;
	tags: string[];
	consent_given_at: string | null;
	consent_kind: ConsentKind | null;
	consent_source: string | null;
	consent_wording: string | null;
	consent_wording_en: string | null;
	consent_wording_fr: string | null;
	/** Said yes to email but gave no source or date: imported without consent. */
	consent_unrecorded: boolean;
}

/** The file's cells as field values ('' for a field no column fills). */
export function cellsByField(
	cells: string[],
	mapping: ColumnTarget[]
): Record<ImportField, string> {
	const values = Object.fromEntries(IMPORT_FIELDS.map((field) => [field, ''])) as Record<
		ImportField,
		string
	>;
	mapping.forEach((target, index) => {
		if (target !== 'ignore') values[target] = cells[index] ?? '';
	});
	return values;
}

const nothing = {
	email: null,
	first_name: null,
	last_name: null,
	language: null,
	postal_code: null,
	province: null,
	tags: [],
	consent_given_at: null,
	consent_kind: null,
	consent_source: null,
	consent_wording: null,
	consent_wording_en: null,
	consent_wording_fr: null,
	consent_unrecorded: false
} satisfies Omit<ImportInput, 'row_number' | 'email_key' | 'reasons'>;

export function readRow(
	row: number,
	cells: string[],
	mapping: ColumnTarget[],
	fileName: string
): ImportInput {
	const values = cellsByField(cells, mapping);
	const parsed = v.safeParse(importRowSchema, values, { abortPipeEarly: true });
	if (!parsed.success) {
		const reasons = [...new Set(parsed.issues.map((issue) => issue.message as ReasonCode))].map(
			(code) => ({ code })
		);
		const emailOk = !reasons.some((reason) => reason.code.startsWith('email_'));
		return {
			row_number: row,
			email_key: emailOk ? values.email.trim().toLowerCase() : null,
			reasons,
			...nothing
		};
	}
	const out = parsed.output;
	const recorded = out.consent && out.consent_date !== null && out.consent_source !== '';
	const date = values.consent_date.trim();
	return {
		row_number: row,
		email_key: out.email.toLowerCase(),
		reasons: [],
		email: out.email,
		first_name: out.first_name || null,
		last_name: out.last_name || null,
		language: out.language,
		postal_code: out.postal_code,
		province: out.province,
		tags: out.tags,
		consent_given_at: recorded ? out.consent_date!.toISOString() : null,
		consent_kind: recorded ? out.consent_kind : null,
		consent_source: recorded ? out.consent_source : null,
		consent_wording: recorded ? out.consent_wording || null : null,
		// What the ledger says when the file has no wording: where and when consent was stated.
		consent_wording_en: recorded
			? m.import_consent_wording(
					{ file: fileName, source: out.consent_source, date },
					{ locale: 'en' }
				)
			: null,
		consent_wording_fr: recorded
			? m.import_consent_wording(
					{ file: fileName, source: out.consent_source, date },
					{ locale: 'fr' }
				)
			: null,
		consent_unrecorded: out.consent && !recorded
	};
}
