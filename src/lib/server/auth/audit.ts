import { must, serviceDb } from '../db.ts';

export interface AuditEntry {
	id: number;
	at: string;
	action: string;
	target: string | null;
	details: Record<string, unknown>;
	ip: string | null;
	staff: { email: string } | null;
}

export interface AuditFilter {
	action?: string;
	staffEmail?: string;
	from?: string;
	to?: string;
	/** Keyset: entries older than this id. */
	before?: number;
}

export const AUDIT_PAGE_SIZE = 50;

/** The audit log, newest first, 50 at a time. */
export async function list(filter: AuditFilter): Promise<AuditEntry[]> {
	// Filtering by who needs an inner join; otherwise entries by the command line
	// (no staff) are listed too.
	const who = filter.staffEmail ? 'staff!inner(email)' : 'staff(email)';
	let query = serviceDb()
		.from('audit_log')
		.select(`id, at, action, target, details, ip, ${who}`)
		.order('id', { ascending: false })
		.limit(AUDIT_PAGE_SIZE);
	if (filter.staffEmail) query = query.ilike('staff.email', filter.staffEmail);
	if (filter.action) query = query.like('action', `${filter.action}%`);
	if (filter.from) query = query.gte('at', filter.from);
	if (filter.to) query = query.lt('at', filter.to);
	if (filter.before) query = query.lt('id', filter.before);
	return must(await query) as unknown as AuditEntry[];
}

/** Actions that appear in the log, for the filter. */
export async function actions(): Promise<string[]> {
	const rows = must(
		await serviceDb().from('audit_log').select('action').order('action').limit(1000)
	) as {
		action: string;
	}[];
	return [...new Set(rows.map((row) => row.action))];
}

/** Writes one entry to the audit log (for actions that are not already SQL functions that audit). */
export async function record(entry: {
	staffId: string | null;
	action: string;
	target: string | null;
	details?: Record<string, unknown>;
	ip: string | null;
}): Promise<void> {
	must(
		await serviceDb().rpc('audit', {
			p_staff: entry.staffId,
			p_action: entry.action,
			p_target: entry.target,
			p_details: entry.details ?? {},
			p_ip: entry.ip
		})
	);
}
