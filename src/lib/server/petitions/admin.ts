import {
	CHARITY_TIME_ZONE,
	type MarkKind,
	type PetitionFields,
	type PetitionText,
	type Status,
	type UpdateText
} from '#lib/schemas/campaign.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';

// Staff running petitions: the list, one petition with its words in both
// languages, what its signatures look like (by day, by source, referrals), and
// marking it delivered or won. Every write is one SQL function that also writes
// the audit log (supabase/migrations/*_campaigns_admin.sql).

export type Language = 'en' | 'fr';

export interface PetitionListItem {
	id: string;
	slug: string;
	/** The staff's name for it. */
	title: string;
	status: Status;
	goal: number | null;
	deadline: string | null;
	signature_count: number;
	published_at: string | null;
	delivered_at: string | null;
	won_at: string | null;
	campaign: { id: string; title: string } | null;
}

type CampaignEmbed = {
	id: string;
	slug: string;
	campaign_translations: { language: Language; title: string }[];
} | null;

function campaignTitle(campaign: CampaignEmbed, language: Language) {
	if (!campaign) return null;
	const texts = campaign.campaign_translations;
	return {
		id: campaign.id,
		title:
			texts.find((text) => text.language === language)?.title ?? texts[0]?.title ?? campaign.slug
	};
}

const LIST_COLUMNS =
	'id, slug, title, status, goal, deadline, signature_count, published_at, delivered_at, won_at,' +
	' campaign:campaigns!petitions_campaign_id_fkey(id, slug, campaign_translations(language, title))';

/** Every petition, newest first. */
export async function list(language: Language): Promise<PetitionListItem[]> {
	const rows = must(
		await serviceDb()
			.from('petitions')
			.select(LIST_COLUMNS)
			.order('created_at', { ascending: false })
	) as unknown as (Omit<PetitionListItem, 'campaign'> & { campaign: CampaignEmbed })[];
	return rows.map((row) => ({ ...row, campaign: campaignTitle(row.campaign, language) }));
}

export interface PetitionRecord extends PetitionListItem {
	campaign_id: string | null;
	embed_origins: string[];
	created_at: string;
	updated_at: string;
	en: PetitionText;
	fr: PetitionText;
}

/** One petition with its words in both languages. */
export async function read(id: string, language: Language): Promise<PetitionRecord | null> {
	const row = must(
		await serviceDb()
			.from('petitions')
			.select(
				`${LIST_COLUMNS}, campaign_id, embed_origins, created_at, updated_at,` +
					' petition_translations(language, title, target, letter)'
			)
			.eq('id', id)
			.maybeSingle()
	) as unknown as
		| (Omit<PetitionRecord, 'campaign' | 'en' | 'fr'> & {
				campaign: CampaignEmbed;
				petition_translations: (PetitionText & { language: Language })[];
		  })
		| null;
	if (!row) return null;
	const { petition_translations: texts, campaign, ...petition } = row;
	const text = (language: Language): PetitionText => {
		const found = texts.find((entry) => entry.language === language);
		return { title: found?.title ?? '', target: found?.target ?? '', letter: found?.letter ?? '' };
	};
	return {
		...petition,
		campaign: campaignTitle(campaign, language),
		en: text('en'),
		fr: text('fr')
	};
}

export type SaveResult =
	{ ok: true; id: string } | { ok: false; reason: 'slug-taken' | 'not-found' };

/**
 * Creates a petition (id null) or saves one, in one transaction with its audit
 * entry. A slug another petition has is refused ('slug-taken'), not thrown.
 */
export async function save(
	actor: { id: string },
	id: string | null,
	fields: PetitionFields,
	ip: string
): Promise<SaveResult> {
	const { data, error } = await serviceDb().rpc('petition_save', {
		p_actor: actor.id,
		p_id: id,
		p_fields: fields,
		p_ip: ip
	});
	if (error?.code === '23505') return { ok: false, reason: 'slug-taken' };
	if (error?.message === 'not_found') return { ok: false, reason: 'not-found' };
	if (error) throw new DatabaseError(error.message, error.code);
	return { ok: true, id: data as string };
}

export interface PetitionStats {
	/** Every day (in the charity's zone) of the last 30, or since publication. */
	by_day: { day: string; signatures: number }[];
	/** null: not recorded. */
	sources: { source: string | null; signatures: number }[];
	/** Signatures that came through someone's share link. */
	referred: number;
	/** The ten signers who brought the most others; first_name only when asked for. */
	referrers: { signature_id: number; first_name: string | null; signatures: number }[];
}

/**
 * A petition's signatures over time, by source and by referrer. `withNames`:
 * whether referrers' first names are included (campaigners and up; viewers see
 * counts only, so the names never leave the database for them).
 */
export async function stats(id: string, withNames: boolean): Promise<PetitionStats> {
	const { data, error } = await serviceDb().rpc('petition_stats', {
		p_petition: id,
		p_zone: CHARITY_TIME_ZONE,
		p_names: withNames
	});
	if (error) throw new DatabaseError(error.message, error.code);
	return (data as PetitionStats | null) ?? { by_day: [], sources: [], referred: 0, referrers: [] };
}

export type MarkResult =
	{ ok: true; updateId: number } | { ok: false; reason: 'already' | 'not-found' };

/**
 * Marks a petition delivered or won (once each) and publishes the update
 * supporters see, in both languages, in one transaction with its audit entry.
 */
export async function mark(
	actor: { id: string },
	id: string,
	kind: MarkKind,
	update: { en: UpdateText; fr: UpdateText },
	ip: string
): Promise<MarkResult> {
	const { data, error } = await serviceDb().rpc('petition_mark', {
		p_actor: actor.id,
		p_petition: id,
		p_kind: kind,
		p_update: update,
		p_ip: ip
	});
	if (error?.message === 'already_marked') return { ok: false, reason: 'already' };
	if (error?.message === 'not_found') return { ok: false, reason: 'not-found' };
	if (error) throw new DatabaseError(error.message, error.code);
	return { ok: true, updateId: data as number };
}

export interface PetitionUpdate {
	id: number;
	kind: 'news' | 'delivered' | 'won';
	published_at: string;
	en: UpdateText;
	fr: UpdateText;
}

/** The updates supporters see about this petition, newest first. */
export async function updates(id: string): Promise<PetitionUpdate[]> {
	const rows = must(
		await serviceDb()
			.from('campaign_updates')
			.select('id, kind, published_at, campaign_update_translations(language, title, body)')
			.eq('petition_id', id)
			.order('published_at', { ascending: false })
	) as unknown as (Omit<PetitionUpdate, 'en' | 'fr'> & {
		campaign_update_translations: (UpdateText & { language: Language })[];
	})[];
	return rows.map(({ campaign_update_translations: texts, ...row }) => {
		const text = (language: Language): UpdateText => {
			const found = texts.find((entry) => entry.language === language);
			return { title: found?.title ?? '', body: found?.body ?? '' };
		};
		return { ...row, en: text('en'), fr: text('fr') };
	});
}

export interface DeliveryPackage {
	id: number;
	language: Language;
	signatures: number;
	sha256: string;
	created_at: string;
	staff: { email: string; name: string | null } | null;
}

/** The delivery packages made for this petition, newest first (the last ten). */
export async function packages(id: string): Promise<DeliveryPackage[]> {
	return must(
		await serviceDb()
			.from('petition_delivery_packages')
			.select('id, language, signatures, sha256, created_at, staff(email, name)')
			.eq('petition_id', id)
			.order('id', { ascending: false })
			.limit(10)
	) as unknown as DeliveryPackage[];
}
