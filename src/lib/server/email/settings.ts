import {
	CRON_SECRET,
	EMAIL_BATCH_SIZE,
	EMAIL_FROM,
	EMAIL_LEASE_SECONDS,
	EMAIL_QUOTA_PAUSE_MINUTES,
	EMAIL_REPLY_TO,
	EMAIL_RETRY_BASE_MS,
	RESEND_API_KEY,
	RESEND_BASE_URL,
	RESEND_RATE_PER_SECOND,
	RESEND_TIMEOUT_MS,
	RESEND_WEBHOOK_SECRET
} from '$app/env/private';

/** Email settings, read once (declared and validated in src/env.ts). */
export const emailSettings = {
	/** Without a key nothing is ever sent: the outbox is the mail viewer (/dev/mail). */
	sending: Boolean(RESEND_API_KEY),
	apiKey: RESEND_API_KEY,
	baseUrl: RESEND_BASE_URL,
	webhookSecret: RESEND_WEBHOOK_SECRET,
	ratePerSecond: RESEND_RATE_PER_SECOND,
	timeoutMs: RESEND_TIMEOUT_MS,
	from: EMAIL_FROM,
	replyTo: EMAIL_REPLY_TO,
	batchSize: EMAIL_BATCH_SIZE,
	leaseSeconds: EMAIL_LEASE_SECONDS,
	retryBaseMs: EMAIL_RETRY_BASE_MS,
	quotaPauseMs: EMAIL_QUOTA_PAUSE_MINUTES * 60_000,
	cronSecret: CRON_SECRET
};

/** A key without its webhook secret would send mail whose bounces nobody hears of. */
export function assertEmailSettings(): void {
	if (RESEND_API_KEY && !RESEND_WEBHOOK_SECRET) {
		throw new Error(
			'RESEND_API_KEY is set but RESEND_WEBHOOK_SECRET is not. Add a webhook in Resend ' +
				'(Webhooks → Add endpoint: <site>/api/webhooks/resend) and set its signing secret.'
		);
	}
}
