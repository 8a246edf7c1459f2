import { must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';
import type { PetitionUpdate } from '../petitions/index.ts';

// Campaigns as the public pages read them: published and closed ones only, in the
// reader's language (else English). Staff pages are in admin.ts.

export interface CampaignSummary {
	slug: string;
	status: 'published' | 'closed';
	title: string;
	summary: string;
	/** Its newest open petition, if any. */
	petition: { slug: string; count: number; goal: number | null } | null;
}

/** Published campaigns first, then closed ones, newest first. */
export async function list(language: Language): Promise<CampaignSummary[]> {
	return must(
		await serviceDb().rpc('campaign_list', { p_language: language })
	) as CampaignSummary[];
}

export interface CampaignPetition {
	slug: string;
	status: 'published' | 'closed';
	open: boolean;
	title: string;
	target: string;
	count: number;
	goal: number | null;
}

export interface CampaignPage {
	slug: string;
	status: 'published' | 'closed';
	/** The donation goal, in cents of `currency`. */
	goal_cents: number | null;
	currency: string;
	language: Language;
	title: string;
	summary: string;
	/** Plain text; paragraphs separated by blank lines. */
	story: string;
	petitions: CampaignPetition[];
	updates: PetitionUpdate[];
}

/** A published or closed campaign; null for a draft or an unknown slug. */
export async function page(slug: string, language: Language): Promise<CampaignPage | null> {
	return must(
		await serviceDb().rpc('campaign_page', { p_slug: slug, p_language: language })
	) as CampaignPage | null;
}

/** What gifts to a campaign raised: not test gifts, after refunds (campaign_raised). */
export interface CampaignRaised {
	raised_cents: number;
	/** Distinct donors whose gifts count. */
	donors: number;
	goal_cents: number | null;
	currency: string;
}

/** What a published or closed campaign raised; null for a draft or an unknown slug. */
export async function raised(slug: string): Promise<CampaignRaised | null> {
	const row = must(
		await serviceDb().rpc('campaign_raised', { p_slug: slug })
	) as CampaignRaised | null;
	return row && { ...row, raised_cents: Number(row.raised_cents), donors: Number(row.donors) };
}

/** Paths of every campaign and petition on the site (published or closed), for the sitemap. */
export async function publicPaths(): Promise<string[]> {
	const db = serviceDb();
	const [campaigns, petitions] = await Promise.all([
		db.from('campaigns').select('slug').in('status', ['published', 'closed']).order('slug'),
		db.from('petitions').select('slug').in('status', ['published', 'closed']).order('slug')
	]);
	return [
		...(must(campaigns) as { slug: string }[]).map((row) => `/campaigns/${row.slug}`),
		...(must(petitions) as { slug: string }[]).map((row) => `/petitions/${row.slug}`)
	];
}
