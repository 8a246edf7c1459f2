import { createHmac, timingSafeEqual } from 'node:crypto';
import { PETITION_MIN_FILL_SECONDS } from '$app/env/private';
import { must, serviceDb } from '../db.ts';

// The minimum fill time: each petition form carries the moment it was served,
// signed with a secret every app instance shares (app_secrets in the database), so
// a bot can neither forge nor backdate it. A person takes longer than MIN_FILL_MS
// to type their name, email and postal code (PETITION_MIN_FILL_SECONDS, 3 by
// default); a script posting at once does not.

/** A form older than this is served again (a token is not a pass for ever). */
export const MAX_AGE_MS = 24 * 60 * 60 * 1000;

let secret: Promise<string> | undefined;

/** The shared secret, read once per instance (it never changes). */
function formSecret(): Promise<string> {
	secret ??= (async () => {
		const rows = must(
			await serviceDb().from('app_secrets').select('value').eq('name', 'petition-form')
		) as { value: string }[];
		if (!rows[0]) throw new Error('app_secrets has no petition-form secret: run the migrations');
		return rows[0].value;
	})().catch((error: unknown) => {
		secret = undefined;
		throw error;
	});
	return secret;
}

function signature(key: string, issuedAt: number): string {
	return createHmac('sha256', key).update(`petition-form:${issuedAt}`).digest('base64url');
}

/** A token for a form served now: `<ms since epoch>.<HMAC>`. */
export async function issue(now: number = Date.now()): Promise<string> {
	return `${now}.${signature(await formSecret(), now)}`;
}

export type TokenCheck = 'ok' | 'too-fast' | 'expired';

/** Whether a form was served long enough ago (and not too long): a forged token counts as expired. */
export async function check(token: string, now: number = Date.now()): Promise<TokenCheck> {
	const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
	if (!match) return 'expired';
	const issuedAt = Number(match[1]);
	const expected = Buffer.from(signature(await formSecret(), issuedAt));
	const given = Buffer.from(match[2]);
	if (!timingSafeEqual(expected, given)) return 'expired';
	const age = now - issuedAt;
	if (age > MAX_AGE_MS || age < -60_000) return 'expired';
	return age < PETITION_MIN_FILL_SECONDS * 1000 ? 'too-fast' : 'ok';
}
