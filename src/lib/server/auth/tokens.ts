import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

// Secrets handed to people (sign-in links, session cookies) come from the CSPRNG;
// only their SHA-256 hash is stored, so a copy of the database opens nothing.

/** 160 random bits, as 32 base32 characters. */
export function newToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
