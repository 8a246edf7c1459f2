import { anonDb, must } from '../db.ts';
import { clearPageCache } from '../http/page-cache.ts';

// The impact story's figures, as the public pages read them: through the anon
// client, so Row Level Security shows only what is published.

export type Language = 'en' | 'fr';

/** Where a figure comes from: the footnote every value on the site carries. */
export interface Sourced {
	as_of: string;
	place: string;
	measured: string;
	source_title: string;
	source_url: string | null;
}

export interface Metric extends Sourced {
	key: string;
	value: number;
	unit: 'people' | 'count' | 'percent' | 'communities';
	qualifier: 'exact' | 'plus' | 'at_least';
	verification: 'verified' | 'secondary';
	label: string;
}

export interface SeriesPoint extends Sourced {
	id: number;
	label: string;
	value: number;
	value_low: number | null;
	published: boolean;
}

export interface Series {
	key: string;
	unit: 'percent' | 'percent_drop' | 'rate';
	title: string;
	caption: string;
	method_note: string | null;
	value_label: string;
	points: SeriesPoint[];
}

export interface ImpactContent {
	metrics: Record<string, Metric>;
	series: Record<string, Series>;
}

interface MetricRow {
	key: string;
	value: number;
	unit: Metric['unit'];
	qualifier: Metric['qualifier'];
	verification: Metric['verification'];
	source_title: string;
	source_url: string | null;
	impact_metric_translations: { label: string; as_of: string; place: string; measured: string }[];
}

interface SeriesRow {
	key: string;
	unit: Series['unit'];
	impact_series_translations: {
		title: string;
		caption: string;
		method_note: string | null;
		value_label: string;
	}[];
	impact_series_points: {
		id: number;
		sort: number;
		value: number;
		value_low: number | null;
		published: boolean;
		source_title: string;
		source_url: string | null;
		impact_point_translations: { label: string; as_of: string; place: string; measured: string }[];
	}[];
}

export const METRIC_COLUMNS =
	'key, value, unit, qualifier, verification, source_title, source_url, sort,' +
	' impact_metric_translations!inner(label, as_of, place, measured)';
export const SERIES_COLUMNS =
	'key, unit, sort, impact_series_translations!inner(title, caption, method_note, value_label),' +
	' impact_series_points(id, sort, value, value_low, published, source_title, source_url,' +
	' impact_point_translations!inner(label, as_of, place, measured))';

export function toMetrics(rows: MetricRow[]): Record<string, Metric> {
	return Object.fromEntries(
		rows.map(({ impact_metric_translations: [text], ...metric }) => [
			metric.key,
			{ ...metric, value: Number(metric.value), ...text }
		])
	);
}

export function toSeries(rows: SeriesRow[]): Record<string, Series> {
	return Object.fromEntries(
		rows.map((row) => {
			const [text] = row.impact_series_translations;
			const points = [...row.impact_series_points]
				.sort((a, b) => a.sort - b.sort)
				.map(({ impact_point_translations: [pointText], ...point }) => ({
					id: point.id,
					published: point.published,
					source_title: point.source_title,
					source_url: point.source_url,
					value: Number(point.value),
					value_low: point.value_low === null ? null : Number(point.value_low),
					...pointText
				}));
			return [row.key, { key: row.key, unit: row.unit, ...text, points }];
		})
	);
}

/** The published figures in one language, straight from the database. */
export async function readPublished(language: Language): Promise<ImpactContent> {
	const db = anonDb();
	const [metrics, series] = await Promise.all([
		db
			.from('impact_metrics')
			.select(METRIC_COLUMNS)
			.eq('impact_metric_translations.language', language)
			.order('sort'),
		db
			.from('impact_series')
			.select(SERIES_COLUMNS)
			.eq('impact_series_translations.language', language)
			.eq('impact_series_points.impact_point_translations.language', language)
			.order('sort')
	]);
	return {
		metrics: toMetrics(must(metrics) as unknown as MetricRow[]),
		series: toSeries(must(series) as unknown as SeriesRow[])
	};
}

// Every page view needs these figures; they change when staff publish. Each app
// instance keeps them for CACHE_SECONDS; publishing from the admin clears this
// instance's copy at once, and other instances catch up within CACHE_SECONDS.
const CACHE_SECONDS = 60;
const cache = new Map<Language, { until: number; content: Promise<ImpactContent> }>();

/** The published figures in one language, from this instance's cache when fresh. */
export function published(language: Language): Promise<ImpactContent> {
	const cached = cache.get(language);
	if (cached && cached.until > Date.now()) return cached.content;
	const content = readPublished(language);
	cache.set(language, { until: Date.now() + CACHE_SECONDS * 1000, content });
	// A failed read is not kept: the next request tries again.
	content.catch(() => cache.delete(language));
	return content;
}

/** Called after staff change a figure, so this instance shows it on the next request. */
export function clearCache(): void {
	cache.clear();
	clearPageCache();
}
