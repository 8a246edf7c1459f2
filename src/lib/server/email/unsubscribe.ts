import { m } from '#lib/paraglide/messages.js';
import { must, serviceDb } from '../db.ts';

export type UnsubscribeResult =
	{ found: false } | { found: true; language: 'en' | 'fr'; already: boolean };

/**
 * Withdraws the email consent of the supporter whose link token this is, at once,
 * in the consent ledger with the words of how they did it. Doing it twice records
 * it once.
 */
export async function unsubscribe(
	token: string,
	how: 'one-click' | 'page'
): Promise<UnsubscribeResult> {
	if (!/^[a-f0-9]{32,128}$/.test(token)) return { found: false };
	const wording = how === 'one-click' ? m.unsubscribe_one_click_wording : m.unsubscribe_wording;
	const result = must(
		await serviceDb().rpc('email_unsubscribe', {
			p_token: token,
			p_source: how === 'one-click' ? 'email:list-unsubscribe-post' : 'email:unsubscribe-page',
			p_wording_en: wording({}, { locale: 'en' }),
			p_wording_fr: wording({}, { locale: 'fr' })
		})
	) as { language: 'en' | 'fr'; already: boolean } | null;
	return result ? { found: true, ...result } : { found: false };
}

/**
 * Whether a token belongs to a supporter, or to a record since merged into one
 * (the confirmation page shows either way).
 */
export async function isKnownToken(token: string): Promise<boolean> {
	if (!/^[a-f0-9]{32,128}$/.test(token)) return false;
	const db = serviceDb();
	const [current, merged] = await Promise.all([
		db.from('supporters').select('id', { count: 'exact', head: true }).eq('email_token', token),
		db
			.from('supporter_merges')
			.select('id', { count: 'exact', head: true })
			.eq('merged_email_token', token)
	]);
	return (current.count ?? 0) + (merged.count ?? 0) > 0;
}
