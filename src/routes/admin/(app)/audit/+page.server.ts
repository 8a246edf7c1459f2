import * as v from 'valibot';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as audit from '#lib/server/auth/audit.ts';

// The filter lives in the URL (a GET form), so a filtered view can be shared.
const filterSchema = v.object({
	action: v.optional(v.pipe(v.string(), v.regex(/^[a-z_.]*$/)), ''),
	staff: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254)), ''),
	from: v.optional(v.union([v.literal(''), v.pipe(v.string(), v.isoDate())]), ''),
	to: v.optional(v.union([v.literal(''), v.pipe(v.string(), v.isoDate())]), ''),
	before: v.optional(v.pipe(v.string(), v.regex(/^\d*$/)), '')
});

export const load = async ({ locals, url }) => {
	requireStaff(locals);
	const parsed = v.safeParse(filterSchema, Object.fromEntries(url.searchParams));
	const filter = parsed.success
		? parsed.output
		: { action: '', staff: '', from: '', to: '', before: '' };
	const dayAfter = (date: string) =>
		new Date(Date.parse(date) + 24 * 3600_000).toISOString().slice(0, 10);
	const [entries, actions] = await Promise.all([
		audit.list({
			action: filter.action || undefined,
			staffEmail: filter.staff || undefined,
			from: filter.from || undefined,
			to: filter.to ? dayAfter(filter.to) : undefined,
			before: Number(filter.before) || undefined
		}),
		audit.actions()
	]);
	return { entries, actions, filter, pageSize: audit.AUDIT_PAGE_SIZE };
};
