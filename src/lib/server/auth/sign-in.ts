import { SIGN_IN_RATE_PER_IP } from '$app/env/private';
import { must, serviceDb } from '../db.ts';
import { SESSION_HOURS, newSessionToken } from './sessions.ts';
import { hashToken, newToken } from './tokens.ts';

/** Sign-in requests allowed per address (and per IP: SIGN_IN_RATE_PER_IP) in 15 minutes. */
const PER_EMAIL = 5;
const WINDOW_SECONDS = 15 * 60;
/** Every answer takes at least this long, staff or not, so timing tells nothing. */
const MIN_ANSWER_MS = 400;

export type SignInRequestResult = 'sent-if-staff' | 'rate-limited';

/**
 * Asks for a sign-in link. For a current staff member a single-use link valid 15
 * minutes is queued by email; for anyone else nothing happens. The answer and its
 * timing are the same either way, so the form never tells who has an account.
 */
export async function requestSignIn(options: {
	email: string;
	ip: string;
	linkBase: string;
}): Promise<SignInRequestResult> {
	const started = Date.now();
	try {
		const email = options.email.trim().toLowerCase();
		const [byEmail, byIp] = await Promise.all([
			take(`sign-in:email:${hashToken(email)}`, PER_EMAIL),
			take(`sign-in:ip:${options.ip}`, SIGN_IN_RATE_PER_IP)
		]);
		if (!byEmail || !byIp) return 'rate-limited';
		const token = newToken();
		must(
			await serviceDb().rpc('staff_request_sign_in', {
				p_email: email,
				p_token_hash: hashToken(token),
				p_link: `${options.linkBase}?token=${token}`,
				p_ip: options.ip
			})
		);
		return 'sent-if-staff';
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

export type RedeemResult =
	| { ok: true; sessionToken: string; expires: Date }
	| { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Uses a sign-in link, once. */
export async function redeemSignIn(options: {
	token: string;
	ip: string;
	userAgent: string;
}): Promise<RedeemResult> {
	const sessionToken = newSessionToken();
	const result = must(
		await serviceDb().rpc('staff_redeem_sign_in', {
			p_token_hash: hashToken(options.token),
			p_session_hash: hashToken(sessionToken),
			p_session_hours: SESSION_HOURS,
			p_ip: options.ip,
			p_user_agent: options.userAgent
		})
	) as { error?: 'unknown' | 'used' | 'expired'; staff_id?: string };
	if (result.error) return { ok: false, reason: result.error };
	return { ok: true, sessionToken, expires: new Date(Date.now() + SESSION_HOURS * 3600_000) };
}
