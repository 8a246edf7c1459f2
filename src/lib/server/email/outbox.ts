import { must, serviceDb } from '../db.ts';
import type { ClaimedBatch, OutgoingEmail } from './types.ts';

// The outbox, as SQL functions (supabase/migrations/*_email.sql). Every state change
// of a row or batch happens in one of them, in one transaction.

/**
 * Queues emails. A known idempotency key is skipped, so a retried request sends
 * once. Returns how many were new. (SQL callers use `email_enqueue` directly,
 * in the transaction that causes the email.)
 */
export async function enqueue(emails: OutgoingEmail[]): Promise<number> {
	return must(
		await serviceDb().rpc('email_enqueue', {
			p_emails: emails.map((email) => ({
				idempotency_key: email.idempotencyKey,
				template: email.template,
				data: email.data ?? {},
				language: email.language,
				supporter_id: email.supporterId ?? null,
				to_email: email.to,
				kind: email.kind,
				not_before: (email.notBefore ?? new Date()).toISOString()
			}))
		})
	) as number;
}

export type Claim =
	| { paused: true; paused_until: string; reason: string }
	| { paused?: false; suppressed: number; batch: ClaimedBatch | null; outstanding?: number };

/** The next batch for this worker: a due retry, one a dead worker left, or new rows. */
export async function claimBatch(
	worker: string,
	size: number,
	leaseSeconds: number
): Promise<Claim> {
	return must(
		await serviceDb().rpc('email_claim_batch', {
			p_worker: worker,
			p_size: size,
			p_lease_seconds: Math.ceil(leaseSeconds)
		})
	) as Claim;
}

/** Records Resend's message ids (in the batch's row order). Returns rows marked sent. */
export async function markSent(
	batchId: string,
	worker: string,
	messageIds: (string | null)[]
): Promise<number> {
	return must(
		await serviceDb().rpc('email_batch_sent', {
			p_batch: batchId,
			p_worker: worker,
			p_message_ids: messageIds
		})
	) as number;
}

/**
 * Rows of a sent batch that Resend refused for good (a batch sent one email at a
 * time, because of attachments, can be partly refused). Returns rows marked failed.
 */
export async function markRowsFailed(
	batchId: string,
	rows: { id: number; reason: string }[]
): Promise<number> {
	return must(
		await serviceDb().rpc('email_batch_rows_failed', {
			p_batch: batchId,
			p_rows: rows.map((row) => ({ id: row.id, reason: row.reason }))
		})
	) as number;
}

export async function scheduleRetry(
	batchId: string,
	worker: string,
	delayMs: number,
	reason: string
) {
	must(
		await serviceDb().rpc('email_batch_retry', {
			p_batch: batchId,
			p_worker: worker,
			p_delay_ms: Math.round(delayMs),
			p_error: reason
		})
	);
}

export async function markFailed(batchId: string, worker: string, reason: string): Promise<number> {
	return must(
		await serviceDb().rpc('email_batch_failed', {
			p_batch: batchId,
			p_worker: worker,
			p_error: reason
		})
	) as number;
}

export async function pauseForQuota(batchId: string, worker: string, until: Date, reason: string) {
	must(
		await serviceDb().rpc('email_pause_for_quota', {
			p_batch: batchId,
			p_worker: worker,
			p_until: until.toISOString(),
			p_reason: reason
		})
	);
}

/** Milliseconds to wait for the next shared send slot (all workers keep one rate together). */
export async function takeSendSlot(perSecond: number, notBefore?: Date): Promise<number> {
	return must(
		await serviceDb().rpc('email_take_send_slot', {
			p_per_second: perSecond,
			p_not_before: notBefore?.toISOString() ?? null
		})
	) as number;
}
