import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import { deliveryLanguageSchema } from '#lib/schemas/campaign.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import { read } from '#lib/server/petitions/admin.ts';
import { signaturesCsv } from '#lib/server/petitions/delivery.ts';

/**
 * The signer list as CSV for delivery to the target (campaigners and up):
 * streamed, spreadsheet-safe, names only where signers agreed, no emails; the
 * export is in the audit log with its SHA-256.
 */
export const GET = async ({ locals, params, url, getClientAddress }) => {
	const actor = requireStaff(locals, 'campaigner');
	const language = v.parse(
		v.fallback(deliveryLanguageSchema, 'en'),
		url.searchParams.get('language') ?? 'en'
	);
	if (!/^[0-9a-f-]{36}$/.test(params.id)) error(404, 'Not found');
	const petition = await read(params.id, language);
	if (!petition) error(404, 'Not found');
	const date = new Date().toISOString().slice(0, 10);
	return new Response(
		signaturesCsv(params.id, language, { staffId: actor.id, ip: getClientAddress() }),
		{
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${petition.slug}-signatures-${language}-${date}.csv"`,
				'cache-control': 'no-store'
			}
		}
	);
};
