import { SITE_URL } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { formatDate } from '#lib/components/giving/format.ts';
import { formatMoney } from '#lib/donations/money.ts';
import { formatMetric, formatPoint, numberFormat } from '#lib/impact/format.ts';
import * as campaigns from '../campaigns/index.ts';
import { must, serviceDb } from '../db.ts';
import type { Metric, Series } from '../impact/index.ts';

// Drafts staff start an email from: a results update (the impact figures that
// changed since the last one, charts as images with their values in words, every
// figure with its source) or a petition's or campaign's news (count, goal,
// delivered, won). Each is Markdown in both languages that staff then edit. The
// builders below are pure (data in, draft out); the read* functions feed them.

export type Language = 'en' | 'fr';
const LANGUAGES: Language[] = ['en', 'fr'];

export interface DraftContent {
	subject: string;
	preheader: string;
	/** Markdown. */
	body: string;
	cta: { label: string; url: string; kind: 'read' | 'give' | 'sign' } | null;
}

export interface Draft {
	topic: 'results' | 'campaigns';
	content: Record<Language, DraftContent>;
	/** The metric and series keys a results update reports (empty for news). */
	changed: { metrics: string[]; series: string[] };
}

type Texts<T> = Record<Language, T>;

/** Text from the database as Markdown shows it, inside a line: no character of it is read as syntax. */
export function escapeMarkdown(text: string): string {
	// Line breaks become spaces; no-break spaces (French: 1 775, 2,2 %) stay.
	return text.replace(/[ \t\r\n\f\v]+/g, ' ').replace(/[\\`*_[\]<>|~#]/g, (char) => `\\${char}`);
}

/** The same for a paragraph of its own, which must not start a list or a heading either. */
export function escapeParagraph(text: string): string {
	return escapeMarkdown(text.trim())
		.replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2')
		.replace(/^([-+=])(?=[\s=-]|$)/, '\\$1');
}

/** A URL inside `(...)` of a Markdown link or image. */
function markdownUrl(url: string): string {
	return url.replace(
		/[()\s<>]/g,
		(char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
	);
}

function sourceLink(source: { source_title: string; source_url: string | null }): string {
	const title = escapeMarkdown(source.source_title);
	return source.source_url ? `[${title}](${markdownUrl(source.source_url)})` : title;
}

/** A page of the site in `language`, as a full address. */
function pageUrl(siteUrl: string, path: string, language: Language): string {
	return siteUrl + localizeHref(path, { locale: language });
}

// ---------------------------------------------------------------- results

export interface MetricFigure {
	key: string;
	value: number;
	unit: Metric['unit'];
	qualifier: Metric['qualifier'];
	source_title: string;
	source_url: string | null;
	text: Texts<{ label: string; as_of: string; place: string }>;
}

export interface SeriesFigure {
	key: string;
	unit: Series['unit'];
	/** Changes when a point does: the image's address changes with it, so no cache shows an old chart. */
	version: number;
	text: Texts<{ title: string; caption: string }>;
	points: {
		value: number;
		value_low: number | null;
		source_title: string;
		source_url: string | null;
		text: Texts<{ label: string; as_of: string }>;
	}[];
}

/** The address of a series' chart image (src/routes/email/charts/[series].png). */
export function chartImageUrl(
	siteUrl: string,
	series: { key: string; version: number },
	language: Language
): string {
	return `${siteUrl}/email/charts/${encodeURIComponent(series.key)}.png?lang=${language}&v=${series.version}`;
}

function metricLine(metric: MetricFigure, language: Language): string {
	const text = metric.text[language];
	const context = m.results_draft_metric_context(
		{ place: escapeMarkdown(text.place), asOf: escapeMarkdown(text.as_of) },
		{ locale: language }
	);
	const source = m.results_draft_source({ source: sourceLink(metric) }, { locale: language });
	return `- **${escapeMarkdown(formatMetric(metric, language))}** ${escapeMarkdown(text.label)} (${context}). ${source}`;
}

/** "2012: 8.16%; 2015: 2.2%", with the period when the label does not already say it. */
export function seriesValues(series: SeriesFigure, language: Language): string {
	return series.points
		.map((point) => {
			const { label, as_of } = point.text[language];
			const value = formatPoint(point, series.unit, language);
			return label.trim().toLowerCase() === as_of.trim().toLowerCase()
				? m.results_draft_value({ label, value }, { locale: language })
				: m.results_draft_value_when({ label, asOf: as_of, value }, { locale: language });
		})
		.join('; ');
}

function seriesSection(series: SeriesFigure, language: Language, siteUrl: string): string {
	const text = series.text[language];
	const values = m.results_draft_values(
		{ values: seriesValues(series, language) },
		{ locale: language }
	);
	const alt = escapeMarkdown(`${text.caption} ${values}`);
	const sources = [
		...new Map(
			series.points.map((point) => [`${point.source_title}\n${point.source_url}`, point])
		).values()
	].map(sourceLink);
	return [
		`## ${escapeMarkdown(text.title)}`,
		`![${alt}](${chartImageUrl(siteUrl, series, language)})`,
		escapeMarkdown(values),
		sources.length === 1
			? m.results_draft_source({ source: sources[0] }, { locale: language })
			: m.results_draft_sources({ sources: sources.join('; ') }, { locale: language })
	].join('\n\n');
}

/** A results update from the figures that changed: pure, so every line of it is testable. */
export function buildResultsUpdate(
	figures: { metrics: MetricFigure[]; series: SeriesFigure[] },
	siteUrl: string
): Draft {
	const nothing = figures.metrics.length === 0 && figures.series.length === 0;
	const content = (language: Language): DraftContent => {
		const parts: string[] = [
			nothing
				? m.results_draft_intro_nothing({}, { locale: language })
				: m.results_draft_intro({}, { locale: language })
		];
		if (figures.metrics.length > 0) {
			parts.push(`## ${m.results_draft_metrics_heading({}, { locale: language })}`);
			parts.push(figures.metrics.map((metric) => metricLine(metric, language)).join('\n'));
		}
		for (const series of figures.series) parts.push(seriesSection(series, language, siteUrl));
		return {
			subject: m.results_draft_subject({}, { locale: language }),
			preheader: m.results_draft_preheader({}, { locale: language }),
			body: parts.join('\n\n') + '\n',
			cta: {
				label: m.results_draft_cta_read({}, { locale: language }),
				url: pageUrl(siteUrl, '/impact', language),
				kind: 'read'
			}
		};
	};
	return {
		topic: 'results',
		content: { en: content('en'), fr: content('fr') },
		changed: {
			metrics: figures.metrics.map((metric) => metric.key),
			series: figures.series.map((series) => series.key)
		}
	};
}

// ------------------------------------------------------- petitions, campaigns

/** What a petition's or campaign's news leads with; the first that holds wins. */
export type Outcome = 'won' | 'delivered' | 'goal' | 'open' | 'closed';

export interface NewsUpdate {
	text: Texts<{ title: string; body: string }>;
}

export interface PetitionNews {
	slug: string;
	/** Published and before its deadline. */
	open: boolean;
	goal: number | null;
	count: number;
	delivered_at: string | null;
	won_at: string | null;
	text: Texts<{ title: string; target: string }>;
}

export interface PetitionNewsInput extends PetitionNews {
	/** Its campaign, when published: a gift to it is the next step once signing is over. */
	campaign: { slug: string; open: boolean } | null;
	/** The newest update published about it (delivered, won, news). */
	update: NewsUpdate | null;
}

export interface CampaignNewsInput {
	slug: string;
	open: boolean;
	goal_cents: number | null;
	raised_cents: number;
	currency: string;
	text: Texts<{ title: string }>;
	petitions: PetitionNews[];
	update: NewsUpdate | null;
}

export function petitionOutcome(petition: PetitionNews): Outcome {
	if (petition.won_at) return 'won';
	if (petition.delivered_at) return 'delivered';
	if (petition.goal !== null && petition.count >= petition.goal) return 'goal';
	return petition.open ? 'open' : 'closed';
}

export function campaignOutcome(campaign: CampaignNewsInput): Outcome {
	const outcomes = campaign.petitions.map(petitionOutcome);
	if (outcomes.includes('won')) return 'won';
	if (outcomes.includes('delivered')) return 'delivered';
	if (campaign.goal_cents !== null && campaign.raised_cents >= campaign.goal_cents) return 'goal';
	return campaign.open ? 'open' : 'closed';
}

/** A petition that people can still sign: open, and not yet delivered or won. */
const signable = (petition: PetitionNews) =>
	petition.open && !petition.delivered_at && !petition.won_at;

function subject(outcome: Outcome, title: string, language: Language): string {
	const values = { title };
	const options = { locale: language };
	if (outcome === 'won') return m.results_draft_news_subject_won(values, options);
	if (outcome === 'delivered') return m.results_draft_news_subject_delivered(values, options);
	if (outcome === 'goal') return m.results_draft_news_subject_goal(values, options);
	return m.results_draft_news_subject_open(values, options);
}

function preheader(outcome: Outcome, language: Language): string {
	const options = { locale: language };
	if (outcome === 'won') return m.results_draft_news_preheader_won({}, options);
	if (outcome === 'delivered') return m.results_draft_news_preheader_delivered({}, options);
	if (outcome === 'goal') return m.results_draft_news_preheader_goal({}, options);
	return m.results_draft_news_preheader_open({}, options);
}

function countLine(petition: PetitionNews, language: Language): string {
	const count = numberFormat(language, 'plain').format(petition.count);
	return petition.goal === null
		? m.results_draft_petition_count({ count }, { locale: language })
		: m.results_draft_petition_count_goal(
				{ count, goal: numberFormat(language, 'plain').format(petition.goal) },
				{ locale: language }
			);
}

function statusWords(petition: PetitionNews, language: Language): string {
	const options = { locale: language };
	const outcome = petitionOutcome(petition);
	if (outcome === 'won') return m.results_draft_status_won({}, options);
	if (outcome === 'delivered')
		return m.results_draft_status_delivered(
			{ date: formatDate(petition.delivered_at!, language) },
			options
		);
	if (outcome === 'goal') return m.results_draft_status_goal({}, options);
	if (outcome === 'open') return m.results_draft_status_open({}, options);
	return m.results_draft_status_closed({}, options);
}

function updateSection(update: NewsUpdate | null, language: Language): string[] {
	if (!update) return [];
	const text = update.text[language];
	const paragraphs = text.body
		.split(/\n\s*\n/)
		.map(escapeParagraph)
		.filter(Boolean);
	return [`## ${escapeMarkdown(text.title)}`, ...paragraphs];
}

/** A petition's news: its outcome, its count against its goal, its newest update. */
export function buildPetitionNews(petition: PetitionNewsInput, siteUrl: string): Draft {
	const outcome = petitionOutcome(petition);
	const content = (language: Language): DraftContent => {
		const options = { locale: language };
		const text = petition.text[language];
		const words = { title: escapeMarkdown(text.title), target: escapeMarkdown(text.target) };
		const lead =
			outcome === 'won'
				? m.results_draft_petition_won(words, options)
				: outcome === 'delivered'
					? m.results_draft_petition_delivered(
							{ ...words, date: formatDate(petition.delivered_at!, language) },
							options
						)
					: outcome === 'goal'
						? m.results_draft_petition_goal(words, options)
						: outcome === 'open'
							? m.results_draft_petition_open(words, options)
							: m.results_draft_petition_closed(words, options);
		const body = [
			lead,
			countLine(petition, language),
			...updateSection(petition.update, language),
			signable(petition)
				? m.results_draft_ask_sign({}, options)
				: m.results_draft_thanks({}, options)
		];
		const cta: DraftContent['cta'] = signable(petition)
			? {
					label: m.results_draft_cta_sign({}, options),
					url: pageUrl(siteUrl, `/petitions/${petition.slug}`, language),
					kind: 'sign'
				}
			: petition.campaign?.open
				? {
						label: m.results_draft_cta_give({}, options),
						url: pageUrl(
							siteUrl,
							`/donate?campaign=${encodeURIComponent(petition.campaign.slug)}`,
							language
						),
						kind: 'give'
					}
				: {
						label: m.results_draft_cta_read_petition({}, options),
						url: pageUrl(siteUrl, `/petitions/${petition.slug}`, language),
						kind: 'read'
					};
		return {
			subject: subject(outcome, text.title, language),
			preheader: preheader(outcome, language),
			body: body.join('\n\n') + '\n',
			cta
		};
	};
	return {
		topic: 'campaigns',
		content: { en: content('en'), fr: content('fr') },
		changed: { metrics: [], series: [] }
	};
}

/** A campaign's news: its outcome, what it raised against its goal, each petition, its newest update. */
export function buildCampaignNews(campaign: CampaignNewsInput, siteUrl: string): Draft {
	const outcome = campaignOutcome(campaign);
	const content = (language: Language): DraftContent => {
		const options = { locale: language };
		const title = campaign.text[language].title;
		const words = { title: escapeMarkdown(title) };
		const lead =
			outcome === 'won'
				? m.results_draft_campaign_won(words, options)
				: outcome === 'delivered'
					? m.results_draft_campaign_delivered(words, options)
					: outcome === 'goal'
						? m.results_draft_campaign_goal(words, options)
						: outcome === 'open'
							? m.results_draft_campaign_open(words, options)
							: m.results_draft_campaign_closed(words, options);
		const raised = formatMoney(campaign.raised_cents, campaign.currency, language);
		const body: string[] = [lead];
		if (campaign.goal_cents !== null) {
			const goal = formatMoney(campaign.goal_cents, campaign.currency, language);
			body.push(m.results_draft_campaign_raised_goal({ raised, goal }, options));
		} else if (campaign.raised_cents > 0) {
			body.push(m.results_draft_campaign_raised({ raised }, options));
		}
		if (campaign.petitions.length > 0) {
			body.push(`## ${m.results_draft_campaign_petitions_heading({}, options)}`);
			body.push(
				campaign.petitions
					.map((petition) => {
						const line = m.results_draft_petition_line(
							{
								title: `**${escapeMarkdown(petition.text[language].title)}**`,
								status: statusWords(petition, language)
							},
							options
						);
						return `- ${line} ${countLine(petition, language)}`;
					})
					.join('\n')
			);
		}
		body.push(...updateSection(campaign.update, language));
		body.push(
			campaign.petitions.some(signable)
				? m.results_draft_ask_sign({}, options)
				: m.results_draft_thanks({}, options)
		);
		const cta: DraftContent['cta'] = campaign.open
			? {
					label: m.results_draft_cta_give({}, options),
					url: pageUrl(siteUrl, `/donate?campaign=${encodeURIComponent(campaign.slug)}`, language),
					kind: 'give'
				}
			: {
					label: m.results_draft_cta_read_campaign({}, options),
					url: pageUrl(siteUrl, `/campaigns/${campaign.slug}`, language),
					kind: 'read'
				};
		return {
			subject: subject(outcome, title, language),
			preheader: preheader(outcome, language),
			body: body.join('\n\n') + '\n',
			cta
		};
	};
	return {
		topic: 'campaigns',
		content: { en: content('en'), fr: content('fr') },
		changed: { metrics: [], series: [] }
	};
}

// ------------------------------------------------------------------ reads

/** Both languages of rows that have a `language`, English standing in for a missing one. */
function byLanguage<Row extends { language: string }, T>(
	rows: Row[],
	pick: (row: Row) => T,
	empty: T
): Texts<T> {
	const found = (language: Language) => rows.find((row) => row.language === language);
	const english = found('en') ?? rows[0];
	return Object.fromEntries(
		LANGUAGES.map((language) => {
			const row = found(language) ?? english;
			return [language, row ? pick(row) : empty];
		})
	) as Texts<T>;
}

const after = (iso: string, since: Date | null) => since === null || Date.parse(iso) > +since;

/**
 * The published metrics, and the published series with a point published or
 * changed, after `since` (all of them when null), in both languages.
 */
export async function readChangedFigures(
	since: Date | null
): Promise<{ metrics: MetricFigure[]; series: SeriesFigure[] }> {
	const db = serviceDb();
	let metricQuery = db
		.from('impact_metrics')
		.select(
			'key, value, unit, qualifier, source_title, source_url, sort, updated_at,' +
				' impact_metric_translations(language, label, as_of, place)'
		)
		.eq('published', true);
	if (since) metricQuery = metricQuery.gt('updated_at', since.toISOString());
	const [metricRows, seriesRows] = await Promise.all([
		metricQuery.order('sort').order('key'),
		db
			.from('impact_series')
			.select(
				'key, unit, sort, impact_series_translations(language, title, caption),' +
					' impact_series_points(sort, value, value_low, published, source_title, source_url,' +
					' updated_at, impact_point_translations(language, label, as_of))'
			)
			.eq('published', true)
			.eq('impact_series_points.published', true)
			.order('sort')
			.order('key')
	]);
	type Text = { language: string; label: string; as_of: string; place: string };
	const metrics = (
		must(metricRows) as unknown as (Omit<MetricFigure, 'text'> & {
			impact_metric_translations: Text[];
		})[]
	).map(({ impact_metric_translations: texts, ...row }) => ({
		key: row.key,
		value: Number(row.value),
		unit: row.unit,
		qualifier: row.qualifier,
		source_title: row.source_title,
		source_url: row.source_url,
		text: byLanguage(texts, ({ label, as_of, place }) => ({ label, as_of, place }), {
			label: row.key,
			as_of: '',
			place: ''
		})
	}));

	type PointRow = {
		sort: number;
		value: number | string;
		value_low: number | string | null;
		source_title: string;
		source_url: string | null;
		updated_at: string;
		impact_point_translations: { language: string; label: string; as_of: string }[];
	};
	type SeriesRow = {
		key: string;
		unit: Series['unit'];
		impact_series_translations: { language: string; title: string; caption: string }[];
		impact_series_points: PointRow[];
	};
	const series = (must(seriesRows) as unknown as SeriesRow[])
		.filter(
			(row) =>
				row.impact_series_points.length > 0 &&
				row.impact_series_points.some((point) => after(point.updated_at, since))
		)
		.map((row) => {
			const points = [...row.impact_series_points].sort((a, b) => a.sort - b.sort);
			return {
				key: row.key,
				unit: row.unit,
				version: Math.max(...points.map((point) => Date.parse(point.updated_at))),
				text: byLanguage(
					row.impact_series_translations,
					({ title, caption }) => ({ title, caption }),
					{ title: row.key, caption: '' }
				),
				points: points.map((point) => ({
					value: Number(point.value),
					value_low: point.value_low === null ? null : Number(point.value_low),
					source_title: point.source_title,
					source_url: point.source_url,
					text: byLanguage(
						point.impact_point_translations,
						({ label, as_of }) => ({ label, as_of }),
						{ label: '', as_of: '' }
					)
				}))
			};
		});
	return { metrics, series };
}

/**
 * A results update from the published metrics and series that changed after
 * `since` (the last results update; null for all of them). Nothing changed gives
 * a draft that says so, with `changed` empty.
 */
export async function draftResultsUpdate(since: Date | null): Promise<Draft> {
	return buildResultsUpdate(await readChangedFigures(since), SITE_URL);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PetitionRow = {
	id: string;
	slug: string;
	status: 'draft' | 'published' | 'closed';
	goal: number | null;
	deadline: string | null;
	signature_count: number;
	delivered_at: string | null;
	won_at: string | null;
	petition_translations: { language: string; title: string; target: string }[];
};
const PETITION_COLUMNS =
	'id, slug, status, goal, deadline, signature_count, delivered_at, won_at,' +
	' petition_translations(language, title, target)';

function toPetitionNews(row: PetitionRow, now: number): PetitionNews {
	return {
		slug: row.slug,
		open: row.status === 'published' && (row.deadline === null || Date.parse(row.deadline) > now),
		goal: row.goal,
		count: Number(row.signature_count),
		delivered_at: row.delivered_at,
		won_at: row.won_at,
		text: byLanguage(row.petition_translations, ({ title, target }) => ({ title, target }), {
			title: row.slug,
			target: ''
		})
	};
}

/** The newest update published about a petition or a campaign, in both languages. */
async function newestUpdate(
	column: 'petition_id' | 'campaign_id',
	id: string
): Promise<NewsUpdate | null> {
	const [row] = must(
		await serviceDb()
			.from('campaign_updates')
			.select('campaign_update_translations(language, title, body)')
			.eq(column, id)
			.order('published_at', { ascending: false })
			.order('id', { ascending: false })
			.limit(1)
	) as unknown as {
		campaign_update_translations: { language: string; title: string; body: string }[];
	}[];
	if (!row || row.campaign_update_translations.length === 0) return null;
	return {
		text: byLanguage(row.campaign_update_translations, ({ title, body }) => ({ title, body }), {
			title: '',
			body: ''
		})
	};
}

/**
 * A petition's news (its outcome: won, delivered, goal reached or still open; its
 * count and goal; its newest update). Null for an unknown petition or a draft,
 * which supporters cannot see.
 */
export async function draftPetitionNews(petitionId: string): Promise<Draft | null> {
	if (!UUID.test(petitionId)) return null;
	const row = must(
		await serviceDb()
			.from('petitions')
			.select(`${PETITION_COLUMNS}, campaign:campaigns!petitions_campaign_id_fkey(slug, status)`)
			.eq('id', petitionId)
			.maybeSingle()
	) as unknown as (PetitionRow & { campaign: { slug: string; status: string } | null }) | null;
	if (!row || row.status === 'draft') return null;
	return buildPetitionNews(
		{
			...toPetitionNews(row, Date.now()),
			campaign:
				row.campaign && row.campaign.status !== 'draft'
					? { slug: row.campaign.slug, open: row.campaign.status === 'published' }
					: null,
			update: await newestUpdate('petition_id', row.id)
		},
		SITE_URL
	);
}

/**
 * A campaign's news (what it raised against its goal, each of its petitions with
 * its outcome, its newest update). Null for an unknown campaign or a draft.
 */
export async function draftCampaignNews(campaignId: string): Promise<Draft | null> {
	if (!UUID.test(campaignId)) return null;
	const row = must(
		await serviceDb()
			.from('campaigns')
			.select(
				'id, slug, status, goal_cents, currency, campaign_translations(language, title),' +
					` petitions!petitions_campaign_id_fkey(${PETITION_COLUMNS}, created_at)`
			)
			.eq('id', campaignId)
			.maybeSingle()
	) as unknown as {
		id: string;
		slug: string;
		status: 'draft' | 'published' | 'closed';
		goal_cents: number | string | null;
		currency: string;
		campaign_translations: { language: string; title: string }[];
		petitions: (PetitionRow & { created_at: string })[];
	} | null;
	if (!row || row.status === 'draft') return null;
	const [raised, update] = await Promise.all([
		campaigns.raised(row.slug),
		newestUpdate('campaign_id', row.id)
	]);
	const now = Date.now();
	return buildCampaignNews(
		{
			slug: row.slug,
			open: row.status === 'published',
			goal_cents: row.goal_cents === null ? null : Number(row.goal_cents),
			raised_cents: raised?.raised_cents ?? 0,
			currency: row.currency,
			text: byLanguage(row.campaign_translations, ({ title }) => ({ title }), {
				title: row.slug
			}),
			petitions: row.petitions
				.filter((petition) => petition.status !== 'draft')
				.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
				.map((petition) => toPetitionNews(petition, now)),
			update
		},
		SITE_URL
	);
}
