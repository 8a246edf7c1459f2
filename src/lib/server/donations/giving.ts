import type { Cookies } from '@sveltejs/kit';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { hashToken, newToken } from '../auth/tokens.ts';
import { must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';
import { receiptPdf } from './receipt-pdf.ts';
import { stripeSettings } from './stripe.ts';

// "Manage my giving" (/giving): a donor's own pages, without a password. They ask
// for a link by email (1 hour, used once); the link starts a session of 2 hours in
// an HttpOnly cookie. Only SHA-256 hashes of both tokens are stored. Everything a
// session reads is scoped to its donor by the SQL functions in
// supabase/migrations/*_giving.sql.

/** Link requests allowed per address, and per IP address, in an hour. */
export const PER_EMAIL = 5;
export const PER_IP = 30;
const WINDOW_SECONDS = 60 * 60;
export const LINK_MINUTES = 60;
export const SESSION_MINUTES = 120;
/** Every answer takes at least this long, donor or not, so timing tells nothing. */
const MIN_ANSWER_MS = 400;

export const SESSION_COOKIE = 'champions_giving_session';

export type RequestResult = 'sent' | 'rate-limited';

/**
 * Asks for a link to manage one's giving. An address with gifts gets a link (valid
 * 1 hour, used once); any other address gets an email saying no gifts were found
 * under it. Both in the page's language. The answer and its timing are the same
 * either way, so the form never tells who gave.
 */
export async function requestLink(options: {
	email: string;
	language: Language;
	ip: string;
	/** The site's public address (no trailing slash). */
	siteUrl: string;
}): Promise<RequestResult> {
	const started = Date.now();
	try {
		const email = options.email.trim().toLowerCase();
		const [byEmail, byIp] = await Promise.all([
			take(`giving:email:${hashToken(email)}`, PER_EMAIL),
			take(`giving:ip:${options.ip}`, PER_IP)
		]);
		if (!byEmail || !byIp) return 'rate-limited';
		const token = newToken();
		must(
			await serviceDb().rpc('giving_request', {
				p_email: email,
				p_language: options.language,
				p_token_hash: hashToken(token),
				p_link: `${options.siteUrl}${localizeHref('/giving/link', { locale: options.language })}?token=${token}`,
				p_minutes: LINK_MINUTES,
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

/** A token as the links and cookies carry it (auth/tokens.ts); anything else is unknown. */
export function isToken(token: string): boolean {
	return /^[a-z2-7]{32}$/.test(token);
}

export type LinkState = 'unknown' | 'expired' | 'used' | 'ready';

/** What a link can do now. Reading it changes nothing (mail scanners open links). */
export async function linkState(token: string): Promise<LinkState> {
	if (!isToken(token)) return 'unknown';
	return must(
		await serviceDb().rpc('giving_link_state', { p_token_hash: hashToken(token) })
	) as LinkState;
}

export type SignInResult =
	| { ok: true; sessionToken: string; expires: Date }
	| { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Uses a link, once, and starts the donor's session. */
export async function signIn(token: string, ip: string): Promise<SignInResult> {
	if (!isToken(token)) return { ok: false, reason: 'unknown' };
	const sessionToken = newToken();
	const result = must(
		await serviceDb().rpc('giving_sign_in', {
			p_token_hash: hashToken(token),
			p_session_hash: hashToken(sessionToken),
			p_session_minutes: SESSION_MINUTES,
			p_ip: ip
		})
	) as { error?: 'unknown' | 'used' | 'expired'; expires_at?: string };
	if (result.error) return { ok: false, reason: result.error };
	return { ok: true, sessionToken, expires: new Date(result.expires_at!) };
}

export function setSessionCookie(cookies: Cookies, token: string, expires: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		// /giving and /fr/giving.
		path: '/',
		httpOnly: true,
		secure: true,
		sameSite: 'lax',
		expires
	});
}

/** The supporter id of this browser's session, or null (none, expired, signed out). */
export async function donorFromCookie(cookies: Cookies): Promise<string | null> {
	const token = cookies.get(SESSION_COOKIE);
	if (!token) return null;
	const supporterId = isToken(token)
		? (must(await serviceDb().rpc('giving_session_get', { p_session_hash: hashToken(token) })) as
				string | null)
		: null;
	if (!supporterId) cookies.delete(SESSION_COOKIE, { path: '/' });
	return supporterId;
}

/** Ends the session at once (deleting the cookie alone would not be enough). */
export async function signOut(cookies: Cookies): Promise<void> {
	const token = cookies.get(SESSION_COOKIE);
	if (token && isToken(token)) {
		must(await serviceDb().rpc('giving_sign_out', { p_session_hash: hashToken(token) }));
	}
	cookies.delete(SESSION_COOKIE, { path: '/' });
}

export type GiftStatus = 'pending' | 'succeeded' | 'failed' | 'refunded';

export interface GivingGift {
	id: string;
	received_at: string;
	amount_cents: number;
	refunded_cents: number;
	currency: string;
	frequency: 'one_time' | 'monthly';
	status: GiftStatus;
	dispute_status: 'open' | 'won' | 'lost' | null;
	test: boolean;
	/** The campaign's title, or null for "where most needed". */
	campaign: string | null;
	tribute_kind: 'honour' | 'memory' | null;
	tribute_name: string | null;
}

/** How the donor can change a monthly gift here. */
export type MonthlyManagement = 'portal' | 'local' | 'none';

export interface GivingMonthly {
	id: string;
	amount_cents: number;
	currency: string;
	status: string;
	started_at: string;
	canceled_at: string | null;
	test: boolean;
	campaign: string | null;
	failed_renewals: number;
	last_paid_at: string | null;
	payments: number;
	manage: MonthlyManagement;
}

export interface GivingReceipt {
	id: string;
	serial: string;
	kind: 'gift' | 'annual';
	test: boolean;
	tax_year: number;
	received_on: string | null;
	issued_at: string;
	amount_cents: number;
	eligible_cents: number;
	currency: string;
	status: 'issued' | 'void';
	void_reason: string | null;
	replaces: string | null;
	replaced_by: string | null;
}

export interface GivingTotal {
	currency: string;
	/** What their gifts brought in, after refunds; test gifts not counted. */
	given_cents: number;
	test_cents: number;
	first_at: string | null;
}

export interface GivingOverview {
	email: string;
	first_name: string | null;
	gifts: GivingGift[];
	monthly: GivingMonthly[];
	receipts: GivingReceipt[];
	totals: GivingTotal[];
}

interface MonthlyRow extends Omit<GivingMonthly, 'manage'> {
	local: boolean;
	has_customer: boolean;
}

/**
 * How a monthly gift is changed: in Stripe's customer portal when a key is set and
 * Stripe knows the customer; on this site for a test subscription of the local
 * test checkout when no key is set; not at all once cancelled.
 */
function management(row: MonthlyRow): MonthlyManagement {
	if (row.status === 'canceled' || row.status === 'incomplete_expired') return 'none';
	if (stripeSettings.enabled) return row.local || !row.has_customer ? 'none' : 'portal';
	return row.local && row.test ? 'local' : 'none';
}

/** Everything the donor's page shows, for this donor only. Null if they were erased. */
export async function overview(
	supporterId: string,
	language: Language
): Promise<GivingOverview | null> {
	const data = must(
		await serviceDb().rpc('giving_overview', { p_supporter: supporterId, p_language: language })
	) as
		| (Omit<GivingOverview, 'monthly'> & {
				monthly: MonthlyRow[];
		  })
		| null;
	if (!data) return null;
	const number = (value: unknown) => Number(value);
	return {
		email: data.email,
		first_name: data.first_name,
		gifts: data.gifts.map((gift) => ({
			...gift,
			amount_cents: number(gift.amount_cents),
			refunded_cents: number(gift.refunded_cents)
		})),
		// Which Stripe ids it has stays on the server; the page gets what it can do.
		monthly: data.monthly.map((row) => ({
			id: row.id,
			amount_cents: number(row.amount_cents),
			currency: row.currency,
			status: row.status,
			started_at: row.started_at,
			canceled_at: row.canceled_at,
			test: row.test,
			campaign: row.campaign,
			failed_renewals: row.failed_renewals,
			last_paid_at: row.last_paid_at,
			payments: number(row.payments),
			manage: management(row)
		})),
		receipts: data.receipts.map((receipt) => ({
			...receipt,
			amount_cents: number(receipt.amount_cents),
			eligible_cents: number(receipt.eligible_cents)
		})),
		totals: data.totals.map((total) => ({
			...total,
			given_cents: number(total.given_cents),
			test_cents: number(total.test_cents)
		}))
	};
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A receipt's PDF, only if it is this donor's: null for anyone else's, an unknown
 * id, or a malformed one (the page answers 404 alike).
 */
export async function receiptFile(
	supporterId: string,
	receiptId: string
): Promise<{ filename: string; bytes: Uint8Array } | null> {
	if (!UUID.test(receiptId)) return null;
	const { data } = await serviceDb()
		.from('receipts')
		.select('id')
		.eq('id', receiptId)
		.eq('supporter_id', supporterId)
		.maybeSingle();
	if (!data) return null;
	return receiptPdf(receiptId);
}
