import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

export interface StackKeys {
	jwtSecret: string;
	anonKey: string;
	serviceRoleKey: string;
}

/** A new random secret, long enough for HS256. */
export function newJwtSecret(): string {
	return randomBytes(48).toString('base64url');
}

/**
 * The anon and service-role keys, minted from the JWT secret the way Supabase
 * mints a project's keys: HS256 JWTs whose `role` claim PostgREST switches to.
 */
export async function mintKeys(jwtSecret: string): Promise<StackKeys> {
	const secret = new TextEncoder().encode(jwtSecret);
	// Fixed times, so the same secret always mints the same keys (a restart keeps them).
	const issuedAt = Date.UTC(2026, 0, 1) / 1000;
	const expiresAt = Date.UTC(2046, 0, 1) / 1000;
	const mint = (role: string) =>
		new SignJWT({ role, iss: 'supabase-local' })
			.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
			.setIssuedAt(issuedAt)
			.setExpirationTime(expiresAt)
			.sign(secret);
	return { jwtSecret, anonKey: await mint('anon'), serviceRoleKey: await mint('service_role') };
}
