import { must, serviceDb } from '../db.ts';

export interface EmailStatus {
	queued: number;
	sentLastDay: number;
	failedLastWeek: number;
	alerts: { id: number; kind: string; message: string; created_at: string }[];
}

/** What staff see of email delivery on the dashboard. */
export async function status(): Promise<EmailStatus> {
	const db = serviceDb();
	const day = new Date(Date.now() - 24 * 3600_000).toISOString();
	const week = new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
	const count = async (
		query: PromiseLike<{ count: number | null; error: { message: string } | null }>
	) => {
		const result = await query;
		if (result.error) throw new Error(result.error.message);
		return result.count ?? 0;
	};
	const [queued, sentLastDay, failedLastWeek, alerts] = await Promise.all([
		count(
			db
				.from('email_outbox')
				.select('id', { count: 'exact', head: true })
				.in('status', ['pending', 'batched'])
		),
		count(
			db
				.from('email_outbox')
				.select('id', { count: 'exact', head: true })
				.eq('status', 'sent')
				.gte('sent_at', day)
		),
		count(
			db
				.from('email_outbox')
				.select('id', { count: 'exact', head: true })
				.eq('status', 'failed')
				.gte('created_at', week)
		),
		db
			.from('email_alerts')
			.select('id, kind, message, created_at')
			.is('resolved_at', null)
			.order('id')
	]);
	return { queued, sentLastDay, failedLastWeek, alerts: must(alerts) ?? [] };
}
