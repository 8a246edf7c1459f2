import { must, serviceDb } from '../db.ts';

// CASL re-permission: implied consent ends by itself (two years after a gift, six
// months after an enquiry). Staff see who is within 60 days of it and ask each,
// once per consent period, whether they want to keep hearing from us.

export interface ExpiringSupporter {
	id: string;
	email: string;
	first_name: string | null;
	last_name: string | null;
	language: 'en' | 'fr';
	email_consent_expires_at: string;
	asked_at: string | null;
}

export const LIST_LIMIT = 200;

export async function expiring(): Promise<{
	supporters: ExpiringSupporter[];
	counts: { expiring: number; unasked: number };
}> {
	const db = serviceDb();
	const [list, counts] = await Promise.all([
		db.rpc('supporter_repermission_list', { p_limit: LIST_LIMIT }),
		db.rpc('supporter_repermission_counts')
	]);
	return {
		supporters: must(list) as ExpiringSupporter[],
		counts: must(counts) as { expiring: number; unasked: number }
	};
}

/** Queues the re-permission email to everyone not yet asked; returns how many. */
export async function askAll(actor: { id: string }, ip: string): Promise<number> {
	return must(
		await serviceDb().rpc('email_enqueue_repermission', { p_actor: actor.id, p_ip: ip })
	) as number;
}

/** Records "yes, keep me informed" as express consent, with the words the page showed. */
export async function keep(
	token: string,
	wording: string,
	language: 'en' | 'fr'
): Promise<boolean> {
	if (!/^[a-f0-9]{32,128}$/.test(token)) return false;
	return must(
		await serviceDb().rpc('email_keep_consent', {
			p_token: token,
			p_source: 'email:repermission',
			p_wording: wording,
			p_language: language
		})
	) as boolean;
}
