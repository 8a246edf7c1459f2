import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { hashToken, newToken } from '../auth/tokens.ts';
import { must, serviceDb } from '../db.ts';
import { cancelMonthlyGiftsOf } from '../donations/subscriptions.ts';
import type { Language } from '../email/types.ts';

// Supporters' privacy requests (PIPEDA, Quebec Law 25): a copy of their data, or its
// erasure, confirmed by a link emailed to them. The SQL functions in
// supabase/migrations/*_privacy.sql do the work, each in one transaction.

export type PrivacyKind = 'access' | 'erasure';

/** Requests allowed per address, and per IP address, in an hour. */
export const PER_EMAIL = 5;
export const PER_IP = 30;
const WINDOW_SECONDS = 60 * 60;
/** Every answer takes at least this long, supporter or not, so timing tells nothing. */
const MIN_ANSWER_MS = 400;

export type RequestResult = 'sent' | 'rate-limited';

/**
 * Asks for a copy or the erasure of the data held about an address. A supporter's
 * address gets a confirmation link (24 hours, single use) in their language; any
 * other address gets an email saying we hold nothing about it, in the page's
 * language. The answer and its timing are the same either way.
 */
export async function request(options: {
	email: string;
	kind: PrivacyKind;
	language: Language;
	ip: string;
	/** Where the link points, e.g. the site's address (no trailing slash). */
	siteUrl: string;
}): Promise<RequestResult> {
	const started = Date.now();
	try {
		const email = options.email.trim().toLowerCase();
		const [byEmail, byIp] = await Promise.all([
			take(`privacy:email:${hashToken(email)}`, PER_EMAIL),
			take(`privacy:ip:${options.ip}`, PER_IP)
		]);
		if (!byEmail || !byIp) return 'rate-limited';
		const token = newToken();
		const link = (locale: Language) =>
			`${options.siteUrl}${localizeHref('/privacy/confirm', { locale })}?token=${token}`;
		must(
			await serviceDb().rpc('privacy_request', {
				p_email: email,
				p_kind: options.kind,
				p_language: options.language,
				p_token_hash: hashToken(token),
				p_links: { en: link('en'), fr: link('fr') },
				p_ip: options.ip
			})
		);
		return 'sent';
	} finally {
		const left = MIN_ANSWER_MS - (Date.now() - started);
		if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
	}
}

async function take(key: string, limit: number): Promise<boolean> {
	return must(
		await serviceDb().rpc('rate_limit_take', {
			p_key: key,
			p_limit: limit,
			p_window_seconds: WINDOW_SECONDS
		})
	) as boolean;
}

/** A token as the links carry it (see auth/tokens.ts); anything else is unknown. */
function isToken(token: string): boolean {
	return /^[a-z2-7]{32}$/.test(token);
}

export type LinkState =
	| { state: 'unknown' | 'expired' | 'used' }
	| { state: 'ready' | 'confirmed'; kind: PrivacyKind }
	| { state: 'download'; kind: 'access'; download_until: string };

/** What a link can do now. Reading it changes nothing (mail scanners open links). */
export async function state(token: string): Promise<LinkState> {
	if (!isToken(token)) return { state: 'unknown' };
	return must(
		await serviceDb().rpc('privacy_request_state', { p_token_hash: hashToken(token) })
	) as LinkState;
}

export type Refusal = 'unknown' | 'expired' | 'used' | 'not-confirmed';

function refusal(error: string): Refusal {
	return error === 'not_confirmed' ? 'not-confirmed' : (error as Refusal);
}

/**
 * Confirms a request by its link, once. Access: the file is ready, downloadable
 * with the same link for 7 days. Erasure: one more button erases (see `erase`).
 */
export async function confirm(
	token: string,
	ip: string
): Promise<{ ok: true; kind: PrivacyKind } | { ok: false; reason: Refusal }> {
	if (!isToken(token)) return { ok: false, reason: 'unknown' };
	const result = must(
		await serviceDb().rpc('privacy_confirm', { p_token_hash: hashToken(token), p_ip: ip })
	) as { kind?: PrivacyKind; error?: string };
	if (result.error) return { ok: false, reason: refusal(result.error) };
	return { ok: true, kind: result.kind! };
}

/**
 * Erases the person's data, for a confirmed erasure request: one transaction
 * removes their address, names, postal code, tags, notes, email contents and
 * audit details, and keeps gifts, signatures and consents (anonymous). Once.
 */
export async function erase(token: string): Promise<{ ok: true } | { ok: false; reason: Refusal }> {
	if (!isToken(token)) return { ok: false, reason: 'unknown' };
	// A monthly gift still running is cancelled first: no one is charged after being forgotten.
	const { data: confirmed } = await serviceDb()
		.from('privacy_requests')
		.select('supporter_id')
		.eq('token_hash', hashToken(token))
		.eq('kind', 'erasure')
		.eq('status', 'confirmed')
		.gt('expires_at', new Date().toISOString())
		.maybeSingle();
	if (confirmed?.supporter_id) await cancelMonthlyGiftsOf(confirmed.supporter_id);
	const result = must(
		await serviceDb().rpc('privacy_erase', {
			p_token_hash: hashToken(token),
			p_wording_en: m.privacy_erased_wording({}, { locale: 'en' }),
			p_wording_fr: m.privacy_erased_wording({}, { locale: 'fr' })
		})
	) as { erased?: boolean; error?: string };
	if (result.error) return { ok: false, reason: refusal(result.error) };
	return { ok: true };
}

/** Everything we hold about the person, for a confirmed access request (7 days). Recorded. */
export async function download(
	token: string,
	ip: string
): Promise<{ ok: true; data: Record<string, unknown> } | { ok: false; reason: Refusal }> {
	if (!isToken(token)) return { ok: false, reason: 'unknown' };
	const result = must(
		await serviceDb().rpc('privacy_download', { p_token_hash: hashToken(token), p_ip: ip })
	) as { export?: Record<string, unknown>; error?: string };
	if (result.error) return { ok: false, reason: refusal(result.error) };
	return { ok: true, data: result.export! };
}

export type RequestStatus =
	'pending' | 'confirmed' | 'completed' | 'no_data' | 'cancelled' | 'expired';

export interface RequestListItem {
	id: number;
	kind: PrivacyKind;
	status: RequestStatus;
	supporter_id: string | null;
	/** Only while the request is open. */
	email: string | null;
	requested_at: string;
	confirmed_at: string | null;
	completed_at: string | null;
	expires_at: string | null;
	downloaded_at: string | null;
	supporter_erased: boolean;
}

export const LIST_PAGE_SIZE = 50;

/** Requests for staff, newest first, 50 at a time; `before` is the last id shown (keyset). */
export async function list(before?: number): Promise<RequestListItem[]> {
	return must(
		await serviceDb().rpc('privacy_request_list', {
			p_limit: LIST_PAGE_SIZE,
			p_before: before ?? null
		})
	) as RequestListItem[];
}
