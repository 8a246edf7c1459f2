import * as v from 'valibot';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as supporters from '#lib/server/supporters/index.ts';

// The search lives in the URL (a GET form), so a result can be bookmarked and shared.
const searchSchema = v.object({
	q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254)), ''),
	after: v.optional(v.pipe(v.string(), v.regex(/^[^|]+\|[0-9a-f-]{36}$/)))
});

export const load = async ({ locals, url }) => {
	requireStaff(locals);
	const parsed = v.safeParse(searchSchema, Object.fromEntries(url.searchParams));
	const { q, after } = parsed.success ? parsed.output : { q: '', after: undefined };
	const [created_at, id] = after?.split('|') ?? [];
	const results = await supporters.search(q, after ? { created_at, id } : undefined);
	const last = results.at(-1);
	return {
		q,
		supporters: results,
		paged: Boolean(after),
		next:
			last && results.length === supporters.SEARCH_PAGE_SIZE
				? `${last.created_at}|${last.id}`
				: undefined,
		pageSize: supporters.SEARCH_PAGE_SIZE
	};
};
