import { createHmac, timingSafeEqual } from 'node:crypto';
import { SITE_URL } from '$app/env/public';
import { must, serviceDb } from '../db.ts';

// Tracked links and the open-tracking image of a broadcast. Each recipient's links
// carry their outbox row's id, signed with a secret every app instance shares
// (app_secrets 'email-links', migration 0026): `<id>.<signature>`. A click is
// recorded (SQL, email_click_record) before the redirect, and the redirect goes
// only to the broadcast's own link of that number: a tracked address can never be
// made to lead elsewhere (no open redirect), nor to count a click for someone else.
//
// Rendering is synchronous, so the secret is read before it: the broadcast
// template's prepare step awaits `loadTrackingSecret()` (templates/broadcast.ts),
// and `trackingToken` then signs at once.

const SIGNATURE_LENGTH = 22;
const TOKEN = /^([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{22})$/;

let secret: string | undefined;
let loading: Promise<string> | undefined;

/** Reads the shared secret once per instance (it never changes); later calls are free. */
export function loadTrackingSecret(): Promise<string> {
	if (secret) return Promise.resolve(secret);
	loading ??= (async () => {
		const rows = must(
			await serviceDb().from('app_secrets').select('value').eq('name', 'email-links')
		) as { value: string }[];
		if (!rows[0]) throw new Error('app_secrets has no email-links secret: run the migrations');
		secret = rows[0].value;
		return secret;
	})().catch((error: unknown) => {
		loading = undefined;
		throw error;
	});
	return loading;
}

function signature(key: string, outboxId: number): string {
	return createHmac('sha256', key)
		.update(String(outboxId))
		.digest('base64url')
		.slice(0, SIGNATURE_LENGTH);
}

/** `<id>.<HMAC-SHA256(key, id), base64url, first 22 characters>`. */
export function signToken(key: string, outboxId: number): string {
	return `${outboxId}.${signature(key, outboxId)}`;
}

/** The outbox id a token was signed for, or null when it is not one we signed. */
export function checkToken(key: string, token: string): number | null {
	const match = TOKEN.exec(token);
	if (!match) return null;
	const outboxId = Number(match[1]);
	if (!Number.isSafeInteger(outboxId)) return null;
	const expected = Buffer.from(signature(key, outboxId));
	const given = Buffer.from(match[2]);
	return timingSafeEqual(expected, given) ? outboxId : null;
}

/** The token for an outbox row. Call `loadTrackingSecret()` first (rendering is synchronous). */
export function trackingToken(outboxId: number): string {
	if (!secret) throw new Error('tracking secret not loaded: await loadTrackingSecret() first');
	return signToken(secret, outboxId);
}

/** The outbox id a token from a link stands for, or null for a forged or damaged one. */
export async function verifyTrackingToken(token: string): Promise<number | null> {
	if (!TOKEN.test(token)) return null;
	return checkToken(await loadTrackingSecret(), token);
}

/** Where link number `index` of outbox row `outboxId`'s email leads first. */
export function trackedLinkUrl(outboxId: number, index: number): string {
	return `${SITE_URL}/email/r/${trackingToken(outboxId)}/${index}`;
}

/** The open-tracking image of outbox row `outboxId`'s email. */
export function openPixelUrl(outboxId: number): string {
	return `${SITE_URL}/email/o/${trackingToken(outboxId)}.gif`;
}

/**
 * Records a click on link number `index` of the email in `outboxId` and returns
 * where it leads (one of its broadcast's links), or null when there is no such
 * link (nothing is recorded then).
 */
export async function recordClick(outboxId: number, index: number): Promise<string | null> {
	return must(
		await serviceDb().rpc('email_click_record', { p_outbox: outboxId, p_link: index })
	) as string | null;
}

/** Records that the email in `outboxId` was opened (its image loaded); false for no such email. */
export async function recordOpen(outboxId: number): Promise<boolean> {
	return must(await serviceDb().rpc('email_open_record', { p_outbox: outboxId })) as boolean;
}
