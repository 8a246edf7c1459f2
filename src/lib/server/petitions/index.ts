import { anonDb, DatabaseError, must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';

// Petitions as the public pages read them (the CRM names them in a filter).
// Signing is in signing.ts, live counts in live.ts, the fill-time token in
// form-token.ts; see README.md beside this file.

export interface PetitionChoice {
	id: string;
	title: string;
	status: 'draft' | 'published' | 'closed';
}

/** Every petition, newest first, for choosing one in a filter. */
export async function listForFilter(): Promise<PetitionChoice[]> {
	return must(
		await serviceDb()
			.from('petitions')
			.select('id, title, status')
			.order('created_at', { ascending: false })
			.limit(500)
	) as PetitionChoice[];
}

export interface OpenPetition {
	slug: string;
	title: string;
	signatures: number;
}

/**
 * The newest open petition, its title in the reader's language and how many have
 * signed it, for the home page (null until there is one). Read through anon: only
 * what is public.
 */
export async function openPetition(language: Language): Promise<OpenPetition | null> {
	const { data, error } = await anonDb().rpc('petition_open_summary', { p_language: language });
	if (error) throw new DatabaseError(error.message, error.code);
	const row = (
		data as (Omit<OpenPetition, 'signatures'> & { signatures: number | string })[] | null
	)?.[0];
	return row ? { ...row, signatures: Number(row.signatures) } : null;
}

export interface PetitionUpdate {
	id: number;
	kind: 'news' | 'delivered' | 'won';
	published_at: string;
	title: string;
	/** Plain text; paragraphs separated by blank lines. */
	body: string;
}

export interface RecentSigner {
	first_name: string;
	province: string | null;
	comment: string | null;
	signed_at: string;
}

export interface PetitionPage {
	slug: string;
	status: 'published' | 'closed';
	/** Published and before its deadline: it can be signed. */
	open: boolean;
	goal: number | null;
	deadline: string | null;
	count: number;
	delivered_at: string | null;
	won_at: string | null;
	/** Origins (https://partner.example) that may frame its embed. */
	embed_origins: string[];
	/** The language of the words below (the reader's, else English). */
	language: Language;
	title: string;
	target: string;
	/** Plain text; paragraphs separated by blank lines. */
	letter: string;
	campaign: { slug: string; title: string } | null;
	/** The last ten signers who chose to show their first name. */
	recent: RecentSigner[];
	updates: PetitionUpdate[];
}

/** A published or closed petition as its page shows it; null for a draft or an unknown slug. */
export async function page(slug: string, language: Language): Promise<PetitionPage | null> {
	return must(
		await serviceDb().rpc('petition_page', { p_slug: slug, p_language: language })
	) as PetitionPage | null;
}
