import type { Logger } from 'pino';
import * as outbox from './outbox.ts';
import { resendProvider, type EmailProvider, type SendOutcome } from './provider.ts';
import { composeOutboxEmail, EmailPrepareFailed } from './render.ts';
import { emailSettings } from './settings.ts';
import type { ClaimedBatch, RenderedEmail } from './types.ts';

export interface DrainStats {
	batches: number;
	sent: number;
	retried: number;
	failed: number;
	suppressed: number;
	/** Why the drain stopped: nothing due, time budget spent, paused (quota), or asked to stop. */
	stopped: 'idle' | 'budget' | 'paused' | 'aborted' | 'not-sending';
	pausedUntil?: string;
	/** When idle: emails due or in a batch another worker holds (or that waits for its retry). */
	outstanding?: number;
}

/** Batches older than this are not retried: Resend forgets idempotency keys after 24 hours. */
const MAX_BATCH_AGE_MS = 23 * 3600_000;
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * Sends what is due in the outbox, batch by batch, until nothing is due, the time
 * budget is spent, or `signal` aborts. Any number of drains may run at once (in
 * workers and cron calls): each batch is claimed by one, and the shared send slot
 * keeps them all to RESEND_RATE_PER_SECOND together.
 *
 * A row is sent once: a batch's rows and idempotency key are fixed before its first
 * attempt, and progress is recorded only from Resend's answer. A drain killed
 * mid-batch leaves the batch leased; after the lease another drain sends it again
 * under the same key, and Resend does not send it twice.
 */
export async function drainOutbox(options: {
	worker: string;
	budgetMs: number;
	log: Logger;
	signal?: AbortSignal;
	provider?: EmailProvider;
}): Promise<DrainStats> {
	const stats: DrainStats = {
		batches: 0,
		sent: 0,
		retried: 0,
		failed: 0,
		suppressed: 0,
		stopped: 'idle'
	};
	if (!emailSettings.sending || !emailSettings.apiKey) {
		stats.stopped = 'not-sending';
		return stats;
	}
	const provider =
		options.provider ??
		resendProvider(emailSettings.apiKey, emailSettings.baseUrl, emailSettings.timeoutMs);
	const deadline = Date.now() + options.budgetMs;
	const { log, worker } = options;
	// The configured rate, lowered to what Resend's headers announce if that is less.
	const pace = { perSecond: emailSettings.ratePerSecond };

	while (true) {
		if (options.signal?.aborted) {
			stats.stopped = 'aborted';
			break;
		}
		if (Date.now() >= deadline) {
			stats.stopped = 'budget';
			break;
		}
		const claim = await outbox.claimBatch(
			worker,
			emailSettings.batchSize,
			emailSettings.leaseSeconds
		);
		if (claim.paused) {
			stats.stopped = 'paused';
			stats.pausedUntil = claim.paused_until;
			log.warn({ until: claim.paused_until, reason: claim.reason }, 'email: sending paused');
			break;
		}
		stats.suppressed += claim.suppressed;
		if (!claim.batch) {
			if (claim.suppressed > 0) continue;
			stats.stopped = 'idle';
			stats.outstanding = claim.outstanding ?? 0;
			break;
		}
		const batch = claim.batch;
		stats.batches += 1;

		// Render first, so the call leaves as soon as its slot comes: the gap between
		// slot and arrival at Resend stays small and even, and the rate holds there too.
		const emails = await render(batch, log);
		const takeSlot = async () => {
			const wait = await outbox.takeSendSlot(pace.perSecond);
			if (wait > 0) await sleep(wait, options.signal);
		};
		await takeSlot();

		// A batch with attachments goes out in several calls (provider.ts): each takes a slot.
		const outcome: SendOutcome = emails.ok
			? await provider.sendBatch(emails.value, batch.idempotency_key, {
					pace: takeSlot,
					firstAttempt: batch.attempt === 1
				})
			: emails.outcome;
		await record(batch, outcome, worker, stats, log, pace);
		if (outcome.kind === 'quota') {
			stats.stopped = 'paused';
			break;
		}
	}
	return stats;
}

/** Each row prepared (templates queued with ids read what they show), rendered, with its files. */
async function render(
	batch: ClaimedBatch,
	log: Logger
): Promise<{ ok: true; value: RenderedEmail[] } | { ok: false; outcome: SendOutcome }> {
	try {
		const value = await Promise.all(
			batch.rows.map(async (row) => {
				const { email, attachments } = await composeOutboxEmail(row);
				if (attachments.length === 0) return email;
				return {
					...email,
					attachments: await Promise.all(
						attachments.map(async (attachment) => ({
							filename: attachment.filename,
							contentType: attachment.contentType,
							content: await attachment.content()
						}))
					)
				};
			})
		);
		return { ok: true, value };
	} catch (error) {
		if (error instanceof EmailPrepareFailed) {
			// The database did not answer, say: the same batch, later.
			log.warn({ err: error, batch: batch.id }, 'email: batch could not be prepared');
			return { ok: false, outcome: { kind: 'retry', reason: error.message } };
		}
		// A template that cannot render will not render next time either.
		log.error({ err: error, batch: batch.id }, 'email: batch could not be rendered');
		return {
			ok: false,
			outcome: { kind: 'rejected', reason: `render failed: ${(error as Error).message}` }
		};
	}
}

async function record(
	batch: ClaimedBatch,
	outcome: SendOutcome,
	worker: string,
	stats: DrainStats,
	log: Logger,
	pace: { perSecond: number }
) {
	const size = batch.rows.length;
	const rateLimit = 'rateLimit' in outcome ? outcome.rateLimit : undefined;
	if (rateLimit && rateLimit.limit > 0 && rateLimit.limit < pace.perSecond) {
		log.warn(
			{ configured: pace.perSecond, announced: rateLimit.limit },
			'email: Resend allows fewer calls per second than configured; keeping to its limit'
		);
		pace.perSecond = rateLimit.limit;
	}
	switch (outcome.kind) {
		case 'sent': {
			stats.sent += await outbox.markSent(batch.id, worker, outcome.messageIds);
			if (outcome.refused?.length) {
				// Sent one by one, Resend refused some and took the others: those failed.
				const failed = await outbox.markRowsFailed(
					batch.id,
					outcome.refused.map(({ index, reason }) => ({ id: batch.rows[index].id, reason }))
				);
				stats.sent -= failed;
				stats.failed += failed;
				log.error(
					{ batch: batch.id, refused: outcome.refused.length, reason: outcome.refused[0].reason },
					'email: Resend refused some emails of a batch'
				);
			}
			log.info({ batch: batch.id, size, attempt: batch.attempt }, 'email: batch sent');
			return;
		}
		case 'retry': {
			const age = Date.now() - Date.parse(batch.created_at);
			if (age > MAX_BATCH_AGE_MS) {
				stats.failed += await outbox.markFailed(
					batch.id,
					worker,
					`gave up after ${batch.attempt} attempts: ${outcome.reason}`
				);
				log.error({ batch: batch.id, size, reason: outcome.reason }, 'email: batch given up');
				return;
			}
			const delay = retryDelay(batch.attempt, outcome.retryAfterMs);
			if (outcome.retryAfterMs) {
				// Resend said when to call again: no worker calls before then.
				await outbox.takeSendSlot(pace.perSecond, new Date(Date.now() + outcome.retryAfterMs));
			}
			await outbox.scheduleRetry(batch.id, worker, delay, outcome.reason);
			stats.retried += size;
			log.warn(
				{ batch: batch.id, size, attempt: batch.attempt, delayMs: delay, reason: outcome.reason },
				'email: batch will be retried'
			);
			return;
		}
		case 'rejected': {
			stats.failed += await outbox.markFailed(batch.id, worker, outcome.reason);
			log.error({ batch: batch.id, size, reason: outcome.reason }, 'email: batch rejected');
			return;
		}
		case 'quota': {
			const until = new Date(Date.now() + emailSettings.quotaPauseMs);
			await outbox.pauseForQuota(batch.id, worker, until, outcome.reason);
			log.error(
				{ batch: batch.id, until: until.toISOString(), reason: outcome.reason },
				'email: quota reached, sending paused and staff alerted'
			);
			return;
		}
	}
}

/** Exponential backoff with full jitter, never sooner than the server asked. */
export function retryDelay(attempt: number, retryAfterMs?: number, random = Math.random): number {
	const ceiling = Math.min(
		MAX_RETRY_DELAY_MS,
		emailSettings.retryBaseMs * 2 ** Math.max(0, attempt - 1)
	);
	const jittered = ceiling / 2 + random() * (ceiling / 2);
	return Math.max(jittered, retryAfterMs ?? 0);
}

function sleep(ms: number, signal?: AbortSignal) {
	return new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener(
			'abort',
			() => {
				clearTimeout(timer);
				resolve();
			},
			{ once: true }
		);
	});
}
