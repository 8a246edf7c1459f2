import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { sampleEmailSchema } from '#lib/schemas/dev-mail.ts';
import { requireMailViewer } from '#lib/server/email/viewer-guard.ts';
import * as viewer from '#lib/server/email/viewer.ts';

export const load = async ({ url }) => {
	requireMailViewer();
	const before = Number(url.searchParams.get('before')) || undefined;
	return { emails: await viewer.list(before) };
};

export const actions = {
	sample: async ({ request }) => {
		requireMailViewer();
		const form = Object.fromEntries(await request.formData());
		const parsed = v.safeParse(sampleEmailSchema, form);
		if (!parsed.success) {
			const errors = v.flatten<typeof sampleEmailSchema>(parsed.issues).nested ?? {};
			return fail(400, {
				values: { to: String(form.to ?? ''), language: String(form.language ?? 'en') },
				errors
			});
		}
		await viewer.queueSample(parsed.output.to, parsed.output.language);
		return { queued: true };
	}
};
