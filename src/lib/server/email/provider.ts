import { Resend } from 'resend';
import type { RenderedEmail } from './types.ts';

/** What sending a batch came to, in the terms the worker acts on. */
export type SendOutcome =
	| { kind: 'sent'; messageIds: string[]; rateLimit?: RateLimit }
	/** 429 (rate), the same key still in flight, 5xx, timeout, network: try the same batch again. */
	| { kind: 'retry'; reason: string; retryAfterMs?: number; rateLimit?: RateLimit }
	/** Any other 4xx: sending again would fail the same way. */
	| { kind: 'rejected'; reason: string }
	/** A daily or monthly quota: stop sending until it resets. */
	| { kind: 'quota'; reason: string };

/** From Resend's response headers: calls allowed per second, left in the window, and when it resets. */
export interface RateLimit {
	limit: number;
	remaining: number;
	resetMs: number;
}

/** The one thing the worker needs from an email service. */
export interface EmailProvider {
	sendBatch(emails: RenderedEmail[], idempotencyKey: string): Promise<SendOutcome>;
}

/** Resend, through its own package, as the one implementation. */
export function resendProvider(apiKey: string, baseUrl: string, timeoutMs: number): EmailProvider {
	const resend = new Resend(apiKey, { baseUrl });
	return {
		async sendBatch(emails, idempotencyKey) {
			const { data, error, headers } = await resend.batch.send(
				emails.map((email) => ({
					from: email.from,
					to: [email.to],
					replyTo: email.replyTo,
					subject: email.subject,
					html: email.html,
					text: email.text,
					headers: email.headers
				})),
				{ idempotencyKey, signal: AbortSignal.timeout(timeoutMs) }
			);
			const rateLimit = readRateLimit(headers);
			if (!error) {
				return { kind: 'sent', messageIds: (data?.data ?? []).map((item) => item.id), rateLimit };
			}
			const status = (error as { statusCode?: number | null }).statusCode ?? null;
			const name = error.name ?? 'error';
			const reason = `${status ?? 'no response'} ${name}: ${error.message}`;
			if (name === 'daily_quota_exceeded' || name === 'monthly_quota_exceeded') {
				return { kind: 'quota', reason };
			}
			if (
				status === null ||
				status === 429 ||
				status >= 500 ||
				name === 'concurrent_idempotent_requests'
			) {
				return { kind: 'retry', reason, retryAfterMs: retryAfter(headers), rateLimit };
			}
			return { kind: 'rejected', reason };
		}
	};
}

function readRateLimit(headers: Record<string, string> | null): RateLimit | undefined {
	const limit = Number(headers?.['ratelimit-limit']);
	const remaining = Number(headers?.['ratelimit-remaining']);
	const reset = Number(headers?.['ratelimit-reset']);
	if (![limit, remaining, reset].every(Number.isFinite)) return undefined;
	return { limit, remaining, resetMs: reset * 1000 };
}

function retryAfter(headers: Record<string, string> | null): number | undefined {
	const value = headers?.['retry-after'];
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
