import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a request carries the cron secret (`Authorization: Bearer <secret>`).
 * Without a configured secret, cron endpoints are off.
 */
export function isAuthorisedCron(request: Request, secret: string | undefined): boolean {
	if (!secret) return false;
	const given = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
	const a = Buffer.from(given);
	const b = Buffer.from(secret);
	return a.length === b.length && timingSafeEqual(a, b);
}
