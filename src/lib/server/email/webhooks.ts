import { Webhook, WebhookVerificationError } from 'svix';
import type { Logger } from 'pino';
import { must, serviceDb } from '../db.ts';

export type WebhookResult =
	| { status: 400; reason: string }
	| { status: 200; recorded: boolean; knownEmail: boolean; type: string };

interface ResendEvent {
	type: string;
	created_at?: string;
	data?: { email_id?: string; bounce?: { type?: string } };
}

/**
 * Takes one Resend webhook call (Svix-signed). A forged, stale or unsigned call
 * is refused (400) and writes nothing. A signed event is recorded once by its Svix
 * message id, whatever it is about, and answered 200 even when it is about an
 * email we do not know (a sender disables an endpoint that keeps failing). A hard
 * bounce or a complaint suppresses the address.
 */
export async function receiveResendWebhook(options: {
	body: string;
	headers: Headers;
	secret: string;
	log: Logger;
}): Promise<WebhookResult> {
	const { body, headers, secret, log } = options;
	const svixHeaders = {
		'svix-id': headers.get('svix-id') ?? '',
		'svix-timestamp': headers.get('svix-timestamp') ?? '',
		'svix-signature': headers.get('svix-signature') ?? ''
	};
	let event: ResendEvent;
	try {
		new Webhook(secret).verify(body, svixHeaders);
		event = JSON.parse(body) as ResendEvent;
	} catch (error) {
		const reason = error instanceof WebhookVerificationError ? error.message : 'unreadable payload';
		log.warn({ reason }, 'resend webhook refused');
		return { status: 400, reason };
	}

	if (!event.type?.startsWith('email.')) {
		log.info({ type: event.type }, 'resend webhook: not about an email; ignored');
		return { status: 200, recorded: false, knownEmail: false, type: event.type };
	}
	const result = must(
		await serviceDb().rpc('email_record_event', {
			p_svix_id: svixHeaders['svix-id'],
			p_type: event.type,
			p_provider_message_id: event.data?.email_id ?? null,
			p_occurred_at: event.created_at ?? null,
			p_payload: event,
			p_bounce_type: event.data?.bounce?.type ?? null
		})
	) as { recorded: boolean; known_email: boolean };
	if (!result.known_email) {
		log.warn({ type: event.type, emailId: event.data?.email_id }, 'resend webhook: unknown email');
	}
	return {
		status: 200,
		recorded: result.recorded,
		knownEmail: result.known_email,
		type: event.type
	};
}
