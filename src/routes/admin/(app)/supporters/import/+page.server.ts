import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import type { FieldErrors } from '#lib/schemas/form.ts';
import { MAX_FILE_BYTES, uploadSchema } from '#lib/schemas/supporter-import.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as imports from '#lib/server/supporters/import/index.ts';
import type { FileProblem } from '#lib/server/supporters/import/read-file.ts';

export const load = async ({ locals, url }) => {
	requireStaff(locals, 'campaigner');
	const past = await imports.list();
	// Opening the page is a "later visit": an import whose runner stopped resumes.
	for (const item of past) imports.resumeIfStalled(item);
	return { imports: past, discarded: url.searchParams.has('discarded') };
};

const problems: Record<FileProblem['code'], (problem: FileProblem) => string> = {
	empty: () => m.import_error_empty(),
	encoding: () => m.import_error_encoding(),
	no_rows: () => m.import_error_no_rows(),
	no_email: () => m.import_error_no_email(),
	columns: () => m.import_error_columns(),
	quotes: (problem) => m.import_error_quotes({ row: 'row' in problem ? problem.row : 0 })
};

const fileError = (status: number, message: string) =>
	fail(status, { errors: { file: [message] } as FieldErrors });

/** Past BODY_SIZE_LIMIT, reading the body fails with a 413; that is the same "too large". */
const isTooLarge = (error: unknown) =>
	[error, (error as { cause?: unknown } | null)?.cause].some(
		(candidate) => (candidate as { status?: number } | null)?.status === 413
	);

export const actions = {
	upload: async ({ locals, request }) => {
		const actor = requireStaff(locals, 'campaigner');
		// A file far over the limit is refused from its declared length, without
		// reading it into memory; what was sent is read and dropped, so the browser
		// gets this answer rather than a broken connection.
		if (Number(request.headers.get('content-length') ?? 0) > MAX_FILE_BYTES + 64 * 1024) {
			await request.body?.pipeTo(new WritableStream()).catch(() => undefined);
			return fileError(413, m.import_error_too_large());
		}
		let formData: FormData;
		try {
			formData = await request.formData();
		} catch (error) {
			return isTooLarge(error)
				? fileError(413, m.import_error_too_large())
				: fileError(400, m.import_error_upload());
		}
		const form = v.safeParse(uploadSchema, { file: formData.get('file') });
		if (!form.success) {
			const errors = v.flatten<typeof uploadSchema>(form.issues).nested ?? {};
			return fileError(400, errors.file?.[0] ?? m.import_error_no_file());
		}
		const { file } = form.output;
		const result = await imports.upload(actor, {
			name: file.name,
			bytes: new Uint8Array(await file.arrayBuffer())
		});
		if (!result.ok) return fileError(400, problems[result.problem.code](result.problem));
		redirect(303, localizeHref(`/admin/supporters/import/${result.id}`));
	}
};
