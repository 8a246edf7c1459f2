import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { parseForm } from '#lib/schemas/form.ts';
import { storyConsentSchema, storyWordsSchema, todayUtc } from '#lib/schemas/story.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as stories from '#lib/server/stories/index.ts';

const UUID = /^[0-9a-f-]{36}$/;

export const load = async ({ locals, params }) => {
	requireStaff(locals);
	if (!UUID.test(params.id)) error(404, 'Not found');
	const story = await stories.read(params.id);
	if (!story) error(404, 'Not found');
	return { story, today: todayUtc() };
};

/** A refusal in the staff member's language; a role too low or a story not found is an error page. */
function refused(reason: stories.Refusal) {
	if (reason === 'not-found') error(404, 'Not found');
	if (reason === 'not-allowed') error(403, 'Forbidden');
	const message = {
		'own-story': m.story_error_own_story,
		'wrong-status': m.story_error_wrong_status,
		'not-reviewed': m.story_error_not_reviewed,
		'consent-ended': m.story_error_consent_ended,
		'consent-withdrawn': m.story_error_consent_withdrawn,
		'no-use': m.story_error_no_use
	}[reason]();
	return fail(reason === 'own-story' ? 403 : 409, { refused: message });
}

/** submit, approve, publish and unpublish: one button each, nothing else to read. */
function move(action: Exclude<stories.Transition, 'withdraw'>) {
	return async ({
		locals,
		params,
		getClientAddress
	}: {
		locals: App.Locals;
		params: { id: string };
		getClientAddress: () => string;
	}) => {
		// Campaigners and up; the check is here, as a layout's does not run before an action.
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const result = await stories.transition(actor, params.id, action, getClientAddress());
		if (!result.ok) return refused(result.reason);
		return { done: action };
	};
}

export const actions = {
	submit: move('submit'),
	// The author (or last editor) is refused by the database: see story_transition.
	approve: move('approve'),
	publish: move('publish'),
	unpublish: move('unpublish'),

	withdraw: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const confirmed = v.safeParse(
			v.object({ confirm: v.literal('on') }),
			Object.fromEntries(await request.formData())
		);
		if (!confirmed.success) {
			return fail(400, { withdraw: { error: m.story_error_withdraw_confirm() } });
		}
		const result = await stories.transition(actor, params.id, 'withdraw', getClientAddress());
		if (!result.ok) return refused(result.reason);
		return { done: 'withdraw' as const };
	},

	words: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(storyWordsSchema, await request.formData());
		if (!form.ok) return fail(400, { words: { values: form.values, errors: form.errors } });
		const result = await stories.edit(actor, params.id, form.output, getClientAddress());
		if (!result.ok) return refused(result.reason);
		return { done: result.changed.length > 0 ? ('words' as const) : ('unchanged' as const) };
	},

	consent: async ({ locals, params, request, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!UUID.test(params.id)) error(404, 'Not found');
		const form = parseForm(storyConsentSchema, await request.formData());
		if (!form.ok) return fail(400, { consent: { values: form.values, errors: form.errors } });
		const result = await stories.setConsent(actor, params.id, form.output, getClientAddress());
		if (!result.ok) return refused(result.reason);
		return { done: 'consent' as const };
	}
};
