import { error } from '@sveltejs/kit';
import { emailSettings } from '#lib/server/email/settings.ts';
import { receiveResendWebhook } from '#lib/server/email/webhooks.ts';

/** Resend's delivery events (Svix-signed). Point Resend's webhook here. */
export const POST = async ({ request, locals }) => {
	if (!emailSettings.webhookSecret) error(404, 'Not found');
	const result = await receiveResendWebhook({
		body: await request.text(),
		headers: request.headers,
		secret: emailSettings.webhookSecret,
		log: locals.log
	});
	return Response.json(result.status === 400 ? { error: 'invalid signature' } : { ok: true }, {
		status: result.status
	});
};
