import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { privacyTokenSchema } from '#lib/schemas/privacy.ts';
import * as privacy from '#lib/server/privacy/index.ts';

// Opening the link only shows what will happen and a button: mail scanners that
// follow links must not confirm anything. The buttons POST.

export const load = async ({ url }) => {
	const token = url.searchParams.get('token') ?? '';
	return { token, link: await privacy.state(token) };
};

async function tokenOf(request: Request): Promise<string | undefined> {
	const parsed = v.safeParse(
		privacyTokenSchema,
		Object.fromEntries(await request.formData().catch(() => new FormData()))
	);
	return parsed.success ? parsed.output.token : undefined;
}

export const actions = {
	// The page shows the request's state after either button (load runs again), so a
	// refusal needs no message of its own beyond that state.
	confirm: async ({ request, getClientAddress }) => {
		const token = await tokenOf(request);
		if (!token) return fail(400, { reason: 'unknown' as const });
		const result = await privacy.confirm(token, getClientAddress());
		if (!result.ok) return fail(400, { reason: result.reason });
		return { confirmed: result.kind };
	},
	erase: async ({ request }) => {
		const token = await tokenOf(request);
		if (!token) return fail(400, { reason: 'unknown' as const });
		const result = await privacy.erase(token);
		if (!result.ok) return fail(400, { reason: result.reason });
		return { erased: true };
	}
};
