import {
	IMPORT_FIELDS,
	plain,
	type ColumnTarget,
	type ImportField
} from '#lib/schemas/supporter-import.ts';

// Which supporter field a column of the file fills, guessed from its name (in
// English or French) so that most files need no change on the mapping page.

const has = (words: string[], ...wanted: string[]) => wanted.some((word) => words.includes(word));

/** The field a column name suggests, if any ("E-mail", "Courriel", "Prénom", "Code postal"). */
export function guessField(header: string): ImportField | undefined {
	const name = plain(header);
	const words = name.split(' ');
	if (has(words, 'consent', 'consents', 'consentement', 'optin') || name.includes('opt in')) {
		if (has(words, 'date', 'when', 'quand')) return 'consent_date';
		if (has(words, 'source', 'where', 'provenance', 'origine', 'origin')) return 'consent_source';
		if (has(words, 'wording', 'words', 'text', 'texte', 'libelle', 'formulation', 'statement'))
			return 'consent_wording';
		if (has(words, 'kind', 'type', 'nature')) return 'consent_kind';
		return 'consent';
	}
	if (has(words, 'email', 'courriel', 'mail', 'emails') || name.includes('e mail')) return 'email';
	const named = has(words, 'name', 'nom');
	if (has(words, 'prenom', 'firstname', 'forename') || name === 'first') return 'first_name';
	if (has(words, 'first', 'given') && named) return 'first_name';
	if (has(words, 'lastname', 'surname') || ['last', 'nom', 'nom de famille'].includes(name))
		return 'last_name';
	if (has(words, 'last', 'family') && named) return 'last_name';
	if (has(words, 'language', 'langue', 'lang')) return 'language';
	if (has(words, 'postal', 'postcode', 'zip', 'postalcode', 'cp')) return 'postal_code';
	if (has(words, 'province', 'prov', 'territory', 'territoire', 'state')) return 'province';
	if (has(words, 'tags', 'tag', 'etiquettes', 'etiquette', 'labels', 'label')) return 'tags';
	return undefined;
}

/**
 * A field for each column: the first column whose name suggests a field gets
 * it. With no email-like name, a column whose values mostly look like email
 * addresses is taken for the email.
 */
export function guessMapping(headers: string[], sample: string[][]): ColumnTarget[] {
	const mapping: ColumnTarget[] = headers.map(() => 'ignore');
	headers.forEach((header, index) => {
		const field = guessField(header);
		if (field && !mapping.includes(field)) mapping[index] = field;
	});
	if (!mapping.includes('email')) {
		const index = headers.findIndex((_, column) => {
			if (mapping[column] !== 'ignore') return false;
			const values = sample.map((cells) => (cells[column] ?? '').trim()).filter(Boolean);
			const addresses = values.filter((value) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value));
			return values.length > 0 && addresses.length >= values.length * 0.8;
		});
		if (index >= 0) mapping[index] = 'email';
	}
	return mapping;
}

/** The stored mapping, trusted only as far as it names known fields. */
export function asMapping(value: unknown, columns: number): ColumnTarget[] {
	const known = new Set<string>(['ignore', ...IMPORT_FIELDS]);
	return Array.from({ length: columns }, (_, index) => {
		const target = Array.isArray(value) ? value[index] : undefined;
		return typeof target === 'string' && known.has(target) ? (target as ColumnTarget) : 'ignore';
	});
}
