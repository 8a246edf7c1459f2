import type { Cookies } from '@sveltejs/kit';
import { must, serviceDb } from '../db.ts';
import type { StaffMember } from '#lib/auth/roles.ts';
import { hashToken, newToken } from './tokens.ts';

export const SESSION_COOKIE = 'champions_staff_session';
/** A session lasts this long after its last use (sliding expiry). */
export const SESSION_HOURS = 12;

/**
 * The staff member whose session cookie this is, with their current role, or null.
 * Using the session extends it.
 */
export async function staffFromCookie(cookies: Cookies): Promise<StaffMember | null> {
	const token = cookies.get(SESSION_COOKIE);
	if (!token) return null;
	const staff = must(
		await serviceDb().rpc('staff_session_get', {
			p_session_hash: hashToken(token),
			p_session_hours: SESSION_HOURS
		})
	) as (StaffMember & { session_expires_at: string }) | null;
	if (!staff) {
		cookies.delete(SESSION_COOKIE, { path: '/' });
		return null;
	}
	setSessionCookie(cookies, token, new Date(staff.session_expires_at));
	return {
		id: staff.id,
		email: staff.email,
		name: staff.name,
		role: staff.role,
		language: staff.language
	};
}

export function newSessionToken(): string {
	return newToken();
}

export function setSessionCookie(cookies: Cookies, token: string, expires: Date) {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		secure: true,
		sameSite: 'lax',
		expires
	});
}

/** Ends the session at once (the cookie alone would not be enough). */
export async function signOut(cookies: Cookies, ip: string): Promise<void> {
	const token = cookies.get(SESSION_COOKIE);
	if (token) {
		must(await serviceDb().rpc('staff_sign_out', { p_session_hash: hashToken(token), p_ip: ip }));
	}
	cookies.delete(SESSION_COOKIE, { path: '/' });
}
