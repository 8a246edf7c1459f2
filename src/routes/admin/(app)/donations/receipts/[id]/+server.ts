import { error } from '@sveltejs/kit';
import { requireStaff } from '#lib/server/auth/roles.ts';
import { receiptPdf } from '#lib/server/donations/receipt-pdf.ts';

/**
 * A receipt's PDF, as issued (void ones too, marked VOID). It carries the donor's home
 * address: campaigners and up, as for the gifts export.
 */
export const GET = async ({ locals, params }) => {
	requireStaff(locals, 'campaigner');
	const file = await receiptPdf(params.id);
	if (!file) error(404, 'Not found');
	return new Response(new Uint8Array(file.bytes), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'private, no-store'
		}
	});
};
