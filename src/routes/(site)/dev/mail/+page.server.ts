import { fail } from '@sveltejs/kit';
import { sampleEmailSchema } from '#lib/schemas/dev-mail.ts';
import { parseForm } from '#lib/schemas/form.ts';
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
		const form = parseForm(sampleEmailSchema, await request.formData());
		if (!form.ok) return fail(400, { values: form.values, errors: form.errors });
		await viewer.queueSample(form.output.to, form.output.language);
		return { queued: true };
	}
};
