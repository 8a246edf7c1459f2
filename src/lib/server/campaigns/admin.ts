import type { CampaignFields, CampaignText, Status } from '#lib/schemas/campaign.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';

// Staff running campaigns. Reads see drafts too; every write is one SQL function
// (campaign_save) that also writes the audit log with what it was and became.

export type Language = 'en' | 'fr';

export interface CampaignListItem {
	id: string;
	slug: string;
	status: Status;
	goal_cents: number | null;
	currency: string;
	published_at: string | null;
	updated_at: string;
	title: string;
	petitions: number;
}

/** Every campaign, newest first, titled in `language`. */
export async function list(language: Language): Promise<CampaignListItem[]> {
	const rows = must(
		await serviceDb()
			.from('campaigns')
			.select(
				'id, slug, status, goal_cents, currency, published_at, updated_at,' +
					' campaign_translations(language, title), petitions!petitions_campaign_id_fkey(id)'
			)
			.order('created_at', { ascending: false })
	) as unknown as (Omit<CampaignListItem, 'title' | 'petitions'> & {
		campaign_translations: { language: Language; title: string }[];
		petitions: { id: string }[];
	})[];
	return rows.map(({ campaign_translations: texts, petitions, ...row }) => ({
		...row,
		goal_cents: row.goal_cents === null ? null : Number(row.goal_cents),
		title: titleIn(texts, language, row.slug),
		petitions: petitions.length
	}));
}

function titleIn(
	texts: { language: Language; title: string }[],
	language: Language,
	fallback: string
) {
	return texts.find((text) => text.language === language)?.title ?? texts[0]?.title ?? fallback;
}

/** Campaigns to choose from on a petition's form: id and title in `language`. */
export async function choices(language: Language): Promise<{ id: string; title: string }[]> {
	return (await list(language)).map(({ id, title }) => ({ id, title }));
}

export interface CampaignRecord extends Omit<CampaignFields, 'goal_cents'> {
	id: string;
	goal_cents: number | null;
	currency: string;
	published_at: string | null;
	created_at: string;
	updated_at: string;
	petitions: { id: string; slug: string; title: string; status: Status; signature_count: number }[];
}

/** One campaign with its words in both languages and its petitions. */
export async function read(id: string): Promise<CampaignRecord | null> {
	const row = must(
		await serviceDb()
			.from('campaigns')
			.select(
				'id, slug, status, goal_cents, currency, published_at, created_at, updated_at,' +
					' campaign_translations(language, title, summary, story),' +
					' petitions!petitions_campaign_id_fkey(id, slug, title, status, signature_count)'
			)
			.eq('id', id)
			.maybeSingle()
	) as unknown as
		| (Omit<CampaignRecord, 'en' | 'fr'> & {
				campaign_translations: (CampaignText & { language: Language })[];
		  })
		| null;
	if (!row) return null;
	const { campaign_translations: texts, ...campaign } = row;
	const text = (language: Language): CampaignText => {
		const found = texts.find((entry) => entry.language === language);
		return { title: found?.title ?? '', summary: found?.summary ?? '', story: found?.story ?? '' };
	};
	return {
		...campaign,
		goal_cents: campaign.goal_cents === null ? null : Number(campaign.goal_cents),
		en: text('en'),
		fr: text('fr')
	};
}

export type SaveResult =
	{ ok: true; id: string } | { ok: false; reason: 'slug-taken' | 'not-found' };

/**
 * Creates a campaign (id null) or saves one, in one transaction with its audit
 * entry. A slug another campaign has is refused ('slug-taken'), not thrown.
 */
export async function save(
	actor: { id: string },
	id: string | null,
	fields: CampaignFields,
	ip: string
): Promise<SaveResult> {
	const { data, error } = await serviceDb().rpc('campaign_save', {
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
