import * as v from 'valibot';
import { PROVINCES } from './supporter.ts';

// A supporter filter: what /admin/supporters shows, what a segment saves, what an
// export or an email audience takes. The same shape is checked again in SQL
// (supporter_filter_where), which is where it is evaluated.

export const CONSENT_FILTERS = ['subscribed', 'expiring', 'expired', 'withdrawn', 'none'] as const;

const isoDate = v.pipe(v.string(), v.isoDate());

export const supporterFilterSchema = v.object({
	q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254))),
	tags: v.optional(
		v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60))), v.maxLength(20))
	),
	consent: v.optional(v.picklist(CONSENT_FILTERS)),
	language: v.optional(v.picklist(['en', 'fr'])),
	provinces: v.optional(v.array(v.picklist(PROVINCES))),
	given: v.optional(v.picklist(['yes', 'no'])),
	monthly: v.optional(v.literal(true)),
	petition: v.optional(v.pipe(v.string(), v.uuid())),
	/** Signed one of its petitions or gave to it (an email audience closing the loop). */
	campaign: v.optional(v.pipe(v.string(), v.uuid())),
	active_after: v.optional(isoDate),
	active_before: v.optional(isoDate)
});

export type SupporterFilter = v.InferOutput<typeof supporterFilterSchema>;

/**
 * The filter in a URL (a GET form, so a result can be bookmarked): tag and
 * province repeat; a value that does not parse is dropped rather than failing
 * the whole page.
 */
export function filterFromSearchParams(params: URLSearchParams): SupporterFilter {
	const candidate: Record<string, unknown> = {
		q: params.get('q') || undefined,
		tags: params.getAll('tag').filter(Boolean),
		consent: params.get('consent') || undefined,
		language: params.get('language') || undefined,
		provinces: params.getAll('province').filter(Boolean),
		given: params.get('given') || undefined,
		monthly: params.get('monthly') ? true : undefined,
		petition: params.get('petition') || undefined,
		active_after: params.get('active_after') || undefined,
		active_before: params.get('active_before') || undefined
	};
	const filter: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(candidate)) {
		if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
		const field = supporterFilterSchema.entries[key as keyof SupporterFilter];
		const parsed = v.safeParse(field, value);
		if (parsed.success && parsed.output !== undefined && parsed.output !== '')
			filter[key] = parsed.output;
	}
	return filter as SupporterFilter;
}

/** The filter as URL parameters, the inverse of filterFromSearchParams. */
export function filterToSearchParams(filter: SupporterFilter): URLSearchParams {
	const params = new URLSearchParams();
	if (filter.q) params.set('q', filter.q);
	for (const tag of filter.tags ?? []) params.append('tag', tag);
	if (filter.consent) params.set('consent', filter.consent);
	if (filter.language) params.set('language', filter.language);
	for (const province of filter.provinces ?? []) params.append('province', province);
	if (filter.given) params.set('given', filter.given);
	if (filter.monthly) params.set('monthly', '1');
	if (filter.petition) params.set('petition', filter.petition);
	if (filter.active_after) params.set('active_after', filter.active_after);
	if (filter.active_before) params.set('active_before', filter.active_before);
	return params;
}

export function isEmptyFilter(filter: SupporterFilter): boolean {
	return Object.keys(filter).length === 0;
}
