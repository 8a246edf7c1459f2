import { DatabaseError, must, serviceDb } from '../db.ts';
import {
	clearCache,
	METRIC_COLUMNS,
	SERIES_COLUMNS,
	toMetrics,
	toSeries,
	type Language,
	type Metric,
	type Series
} from './index.ts';

// Staff editing the impact figures. Reads see drafts too; every write is one SQL
// function that also writes the audit log, then this instance's cache is cleared
// so the home page and the story show the change on the next request.

export interface MetricText {
	label: string;
	as_of: string;
	place: string;
	measured: string;
}

export interface MetricFields {
	value: number;
	qualifier: Metric['qualifier'];
	verification: Metric['verification'];
	source_title: string;
	source_url: string;
	published: boolean;
	en: MetricText;
	fr: MetricText;
}

export interface PointFields {
	value: number;
	value_low: number | null;
	source_title: string;
	source_url: string;
	en: MetricText;
	fr: MetricText;
}

/** Every metric and series (drafts included), in one language. */
export async function readAll(
	language: Language
): Promise<{ metrics: (Metric & { published: boolean })[]; series: Series[] }> {
	const db = serviceDb();
	const [metrics, series] = await Promise.all([
		db
			.from('impact_metrics')
			.select(`${METRIC_COLUMNS}, published`)
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
		metrics: Object.values(toMetrics(must(metrics) as never)) as (Metric & {
			published: boolean;
		})[],
		series: Object.values(toSeries(must(series) as never))
	};
}

/** One metric with its text in both languages, for the edit form. */
export async function readMetric(
	key: string
): Promise<(MetricFields & { key: string; unit: Metric['unit'] }) | null> {
	const row = must(
		await serviceDb()
			.from('impact_metrics')
			.select(
				'key, value, unit, qualifier, verification, source_title, source_url, published,' +
					' impact_metric_translations(language, label, as_of, place, measured)'
			)
			.eq('key', key)
			.maybeSingle()
	) as unknown as
		| (Omit<MetricFields, 'en' | 'fr'> & {
				key: string;
				unit: Metric['unit'];
				impact_metric_translations: (MetricText & { language: Language })[];
		  })
		| null;
	if (!row) return null;
	const { impact_metric_translations: texts, ...metric } = row;
	const text = (language: Language) => {
		const found = texts.find((entry) => entry.language === language);
		return {
			label: found?.label ?? '',
			as_of: found?.as_of ?? '',
			place: found?.place ?? '',
			measured: found?.measured ?? ''
		};
	};
	return {
		...metric,
		value: Number(metric.value),
		source_url: metric.source_url ?? '',
		en: text('en'),
		fr: text('fr')
	};
}

function check(error: { message: string; code?: string } | null) {
	if (error) throw new DatabaseError(error.message, error.code);
	clearCache();
}

export async function saveMetric(
	actor: { id: string },
	key: string,
	fields: MetricFields,
	ip: string
): Promise<void> {
	const { error } = await serviceDb().rpc('impact_metric_save', {
		p_actor: actor.id,
		p_key: key,
		p_fields: fields,
		p_ip: ip
	});
	check(error);
}

/** Adds a point to a series as a draft; it shows in the admin preview until published. */
export async function addPoint(
	actor: { id: string },
	seriesKey: string,
	point: PointFields,
	ip: string
): Promise<number> {
	const { data, error } = await serviceDb().rpc('impact_point_add', {
		p_actor: actor.id,
		p_series: seriesKey,
		p_point: point,
		p_ip: ip
	});
	check(error);
	return data as number;
}

export async function publishPoint(
	actor: { id: string },
	pointId: number,
	published: boolean,
	ip: string
): Promise<void> {
	const { error } = await serviceDb().rpc('impact_point_publish', {
		p_actor: actor.id,
		p_point: pointId,
		p_published: published,
		p_ip: ip
	});
	check(error);
}

export async function deleteDraft(actor: { id: string }, pointId: number, ip: string) {
	const { error } = await serviceDb().rpc('impact_point_delete_draft', {
		p_actor: actor.id,
		p_point: pointId,
		p_ip: ip
	});
	check(error);
}
