import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { CHARITY_NAME } from '$app/env/public';
import { deliveryLanguageSchema } from '#lib/schemas/campaign.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import { deliveryPackage } from '#lib/server/petitions/delivery.ts';

/**
 * Makes the delivery package (campaigners and up): a PDF of the letter in the
 * chosen language, the counts, the signers as they agreed to be shown, and the
 * SHA-256 of the signer list's CSV. A POST, as it records the package (and its
 * checksum) in the petition's history and the audit log.
 */
export const POST = async ({ locals, params, request, getClientAddress }) => {
	const actor = requireStaff(locals, 'campaigner');
	if (!/^[0-9a-f-]{36}$/.test(params.id)) error(404, 'Not found');
	const form = await request.formData();
	const language = v.parse(v.fallback(deliveryLanguageSchema, 'en'), form.get('language') ?? 'en');
	const made = await deliveryPackage(actor, params.id, language, getClientAddress(), CHARITY_NAME);
	if (!made) error(404, 'Not found');
	const date = new Date().toISOString().slice(0, 10);
	return new Response(new Uint8Array(made.pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${made.slug}-delivery-${language}-${date}.pdf"`,
			'cache-control': 'no-store',
			'x-signer-list-sha256': made.sha256
		}
	});
};
