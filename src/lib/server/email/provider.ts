import { Resend } from 'resend';
import type { RenderedEmail } from './types.ts';

/** What sending a batch came to, in the terms the worker acts on. */
export type SendOutcome =
	| {
			kind: 'sent';
			/** In the batch's order; null for an email Resend refused (see `refused`). */
			messageIds: (string | null)[];
			/** Emails of the batch Resend refused for good while it took the others (sent one by one). */
			refused?: { index: number; reason: string }[];
			rateLimit?: RateLimit;
	  }
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

export interface SendOptions {
	/** Waits for the next shared send slot: called before each call after the first. */
	pace?: () => Promise<void>;
	/** The batch's first attempt: nothing of it can have been sent before. */
	firstAttempt?: boolean;
}

/** The one thing the worker needs from an email service. */
export interface EmailProvider {
	sendBatch(
		emails: RenderedEmail[],
		idempotencyKey: string,
		options?: SendOptions
	): Promise<SendOutcome>;
}

type ResendAnswer = {
	data: unknown;
	error: { name?: string; message: string; statusCode?: number | null } | null;
	headers: Record<string, string> | null;
};

/**
 * Resend, through its own package, as the one implementation.
 *
 * Its batch endpoint takes no attachments. So a batch with an email that has some
 * (a receipt's PDF) is sent in parts: the emails without attachments in one batch
 * call (key `<batch key>:rest`), then each email with attachments on its own (key
 * `<batch key>:<its index>`). Each part's key is fixed by the batch, so a retry of
 * the batch replays the parts Resend already took and sends only the rest.
 */
export function resendProvider(apiKey: string, baseUrl: string, timeoutMs: number): EmailProvider {
	const resend = new Resend(apiKey, { baseUrl });
	const message = (email: RenderedEmail) => ({
		from: email.from,
		to: [email.to],
		replyTo: email.replyTo,
		subject: email.subject,
		html: email.html,
		text: email.text,
		headers: email.headers
	});

	async function batchCall(emails: RenderedEmail[], idempotencyKey: string) {
		const answer = await resend.batch.send(emails.map(message), {
			idempotencyKey,
			signal: AbortSignal.timeout(timeoutMs)
		});
		return outcomeOf(answer, (data) =>
			((data as { data?: { id: string }[] } | null)?.data ?? []).map((item) => item.id)
		);
	}

	async function singleCall(email: RenderedEmail, idempotencyKey: string) {
		const answer = await resend.emails.send(
			{
				...message(email),
				attachments: email.attachments?.map((attachment) => ({
					filename: attachment.filename,
					content: attachment.content,
					contentType: attachment.contentType
				}))
			},
			{ idempotencyKey, signal: AbortSignal.timeout(timeoutMs) }
		);
		return outcomeOf(answer, (data) => [(data as { id: string }).id]);
	}

	return {
		async sendBatch(emails, idempotencyKey, options = {}) {
			if (!emails.some((email) => email.attachments?.length)) {
				return batchCall(emails, idempotencyKey);
			}
			const plain = emails.flatMap((email, index) => (email.attachments?.length ? [] : [index]));
			const parts = [
				...(plain.length > 0
					? [
							{
								indexes: plain,
								send: () =>
									batchCall(
										plain.map((index) => emails[index]),
										`${idempotencyKey}:rest`
									)
							}
						]
					: []),
				...emails.flatMap((email, index) =>
					email.attachments?.length
						? [{ indexes: [index], send: () => singleCall(email, `${idempotencyKey}:${index}`) }]
						: []
				)
			];
			const messageIds: (string | null)[] = emails.map(() => null);
			const refused: { index: number; reason: string }[] = [];
			let rateLimit: RateLimit | undefined;
			for (const [number, part] of parts.entries()) {
				if (number > 0) await options.pace?.();
				const outcome = await part.send();
				if ('rateLimit' in outcome && outcome.rateLimit) rateLimit = outcome.rateLimit;
				switch (outcome.kind) {
					case 'sent':
						part.indexes.forEach((index, n) => (messageIds[index] = outcome.messageIds[n]));
						break;
					case 'rejected':
						for (const index of part.indexes) refused.push({ index, reason: outcome.reason });
						break;
					case 'retry':
						// The parts already taken replay under their keys when the batch is retried.
						return outcome;
					case 'quota':
						// Rows go back to the queue (and into another batch, under other keys) only
						// if none of this batch can have been sent; otherwise it is retried as it is.
						if (number === 0 && options.firstAttempt) return outcome;
						return { kind: 'retry', reason: outcome.reason };
				}
			}
			if (refused.length === emails.length) return { kind: 'rejected', reason: refused[0].reason };
			return {
				kind: 'sent',
				messageIds,
				refused: refused.length > 0 ? refused : undefined,
				rateLimit
			};
		}
	};
}

/** Resend's answer in the worker's terms. */
function outcomeOf(answer: ResendAnswer, ids: (data: unknown) => string[]): SendOutcome {
	const { error, headers } = answer;
	const rateLimit = readRateLimit(headers);
	if (!error) return { kind: 'sent', messageIds: ids(answer.data), rateLimit };
	const status = error.statusCode ?? null;
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
