import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import {
	filterFromSearchParams,
	filterToSearchParams,
	type SupporterFilter
} from '#lib/schemas/supporter-filter.ts';
import { bulkTagSchema, segmentNameSchema } from '#lib/schemas/supporter.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as petitions from '#lib/server/petitions/index.ts';
import * as supporters from '#lib/server/supporters/index.ts';
import * as segments from '#lib/server/supporters/segments.ts';

const afterSchema = v.pipe(v.string(), v.regex(/^[^|]+\|[0-9a-f-]{36}$/));
const UUID = /^[0-9a-f-]{36}$/;

// The filter lives in the URL (a GET form), so a result can be bookmarked and
// shared; ?segment=<id> opens a saved segment's filter.
export const load = async ({ locals, url }) => {
	requireStaff(locals);
	const segmentId = url.searchParams.get('segment');
	const segment = segmentId && UUID.test(segmentId) ? await segments.get(segmentId) : null;
	if (segmentId && !segment) error(404, 'Not found');
	const filter = segment ? segment.filter : filterFromSearchParams(url.searchParams);
	const after = v.safeParse(afterSchema, url.searchParams.get('after'));
	const [created_at, id] = after.success ? after.output.split('|') : [];

	const [results, total, tags, petitionList] = await Promise.all([
		supporters.find(filter, after.success ? { created_at, id } : undefined),
		supporters.count(filter),
		supporters.allTags(),
		petitions.listForFilter()
	]);
	const last = results.at(-1);
	return {
		filter,
		filterQuery: filterToSearchParams(filter).toString(),
		segment: segment ? { id: segment.id, name: segment.name } : null,
		supporters: results,
		total,
		tags,
		petitions: petitionList,
		paged: after.success,
		next:
			last && results.length === supporters.SEARCH_PAGE_SIZE
				? `${last.created_at}|${last.id}`
				: undefined,
		pageSize: supporters.SEARCH_PAGE_SIZE
	};
};

/** The filter the bulk and segment forms carry (as the page's query string). */
function submittedFilter(form: FormData): SupporterFilter {
	return filterFromSearchParams(new URLSearchParams(String(form.get('filter') ?? '')));
}

export const actions = {
	// Add or remove a tag on the ticked supporters, or on everyone the filter matches.
	tag: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const formData = await request.formData();
		const form = parseForm(bulkTagSchema, formData);
		const ids = formData
			.getAll('ids')
			.map(String)
			.filter((id) => UUID.test(id));
		if (!form.ok) return fail(400, { bulk: { values: form.values, errors: form.errors } });
		if (form.output.scope === 'selected' && ids.length === 0) {
			return fail(400, {
				bulk: {
					values: form.values,
					errors: { scope: [m.supporters_bulk_error_none_selected()] } as FieldErrors
				}
			});
		}
		const add = form.output.change === 'add';
		const changed = await supporters.changeTags(
			actor,
			form.output.scope === 'selected'
				? { tag: form.output.tag, add, ids }
				: { tag: form.output.tag, add, filter: submittedFilter(formData) },
			getClientAddress()
		);
		return { bulk: { done: { tag: form.output.tag, add, count: changed } } };
	},

	// Save the current filter as a new segment, or replace an open segment's filter.
	saveSegment: async ({ locals, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const formData = await request.formData();
		const form = parseForm(segmentNameSchema, formData);
		if (!form.ok) return fail(400, { segment: { values: form.values, errors: form.errors } });
		const segmentId = String(formData.get('segment') ?? '');
		const result = await segments.save(
			actor,
			{
				id: UUID.test(segmentId) ? segmentId : undefined,
				name: form.output.name,
				filter: submittedFilter(formData)
			},
			getClientAddress()
		);
		if (!result.ok) {
			return fail(400, {
				segment: {
					values: form.values,
					errors: { name: [m.segment_error_name_taken()] } as FieldErrors
				}
			});
		}
		redirect(303, localizeHref(`/admin/supporters?segment=${result.id}`));
	}
};
