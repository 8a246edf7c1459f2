import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '#lib/paraglide/messages.js';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import {
	completeErrors,
	editorSchema,
	editorValues,
	type EditorFields
} from '#lib/schemas/broadcast.ts';
import { localDateTimeIn } from '#lib/schemas/campaign.ts';
import { parseForm, type FieldErrors } from '#lib/schemas/form.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as broadcasts from '#lib/server/broadcasts/index.ts';
import { unknownMergeFields, unusableLinks } from '#lib/server/broadcasts/content.ts';
import * as campaigns from '#lib/server/campaigns/admin.ts';
import * as petitions from '#lib/server/petitions/index.ts';
import * as segments from '#lib/server/supporters/segments.ts';

async function find(id: string) {
	const broadcast = await broadcasts.get(id);
	if (!broadcast) error(404, m.broadcast_not_found());
	return broadcast;
}

export const load = async ({ locals, params }) => {
	const staff = requireStaff(locals, 'campaigner');
	const broadcast = await find(params.id);
	if (broadcast.status !== 'draft') {
		return {
			broadcast,
			progress: await broadcasts.progress(broadcast.id),
			engagement: null,
			editor: null
		};
	}
	const [segmentList, petitionChoices, campaignChoices, audience] = await Promise.all([
		segments.list(),
		petitions.listForFilter(),
		campaigns.choices(getLocale()),
		broadcasts.countAudience(broadcast.audience, broadcast.topic)
	]);
	return {
		broadcast,
		progress: null,
		engagement: null,
		editor: {
			values: editorValues(broadcast),
			segments: segmentList.map(({ id, name, count }) => ({ id, name, count })),
			petitions: petitionChoices,
			campaigns: campaignChoices,
			audience,
			staffEmail: staff.email,
			sendAtMin: localDateTimeIn(new Date().toISOString())
		}
	};
};

/** The editor's fields, saved; or why they cannot be (shown next to the fields). */
async function saveFrom(
	request: Request,
	locals: App.Locals,
	id: string,
	ip: string,
	options: { complete: boolean }
) {
	const actor = requireStaff(locals, 'campaigner');
	const form = await request.formData();
	form.set('segments', form.getAll('segment').map(String).join(','));
	const parsed = parseForm(editorSchema, form);
	if (!parsed.ok) {
		return {
			failure: fail(400, {
				errors: parsed.errors,
				values: parsed.values,
				error: m.broadcast_error_fix()
			}),
			form
		};
	}
	const saved = await broadcasts.saveDraft(actor, id, parsed.output, ip);
	if (!saved.ok) {
		return {
			failure: fail(409, { values: parsed.values, error: m.broadcast_error_not_draft() }),
			form
		};
	}
	if (options.complete) {
		const errors = { ...completeErrors(parsed.output), ...linkErrors(parsed.output) };
		if (Object.keys(errors).length > 0) {
			return {
				failure: fail(400, {
					errors,
					values: parsed.values,
					error: m.broadcast_error_incomplete()
				}),
				form
			};
		}
	}
	return { actor, fields: parsed.output, values: parsed.values, form };
}

/** Bodies with links that cannot work in an email, by field. */
function linkErrors(fields: EditorFields): FieldErrors {
	const errors: FieldErrors = {};
	for (const [variant, texts] of Object.entries(fields.content)) {
		for (const [language, text] of Object.entries(texts ?? {})) {
			const unusable = unusableLinks(text.body);
			if (unusable.length > 0) {
				errors[`${variant}_${language}_body`] = [
					m.broadcast_error_link({ links: unusable.join(', ') })
				];
			}
		}
	}
	return errors;
}

function warnings(values: Record<string, string>): string[] {
	const fields = Object.entries(values)
		.filter(([name]) => /_(subject|preheader|body|cta_label)$/.test(name))
		.flatMap(([, value]) => unknownMergeFields(value));
	return [...new Set(fields)];
}

export const actions = {
	save: async ({ request, locals, params, getClientAddress }) => {
		const result = await saveFrom(request, locals, params.id, getClientAddress(), {
			complete: false
		});
		if ('failure' in result) return result.failure;
		return { saved: true, values: result.values, warnings: warnings(result.values) };
	},

	test: async ({ request, locals, params, getClientAddress }) => {
		const result = await saveFrom(request, locals, params.id, getClientAddress(), {
			complete: true
		});
		if ('failure' in result) return result.failure;
		const addresses = String(result.form.get('test_to') ?? '')
			.split(/[\s,;]+/)
			.map((address) => address.trim())
			.filter(Boolean);
		const values = { ...result.values, test_to: addresses.join(', ') };
		if (addresses.length === 0 || addresses.length > 10) {
			return fail(400, { values, errors: { test_to: [m.broadcast_error_test_to()] } });
		}
		const strangers = await broadcasts.notStaff(addresses);
		if (strangers.length > 0) {
			return fail(400, {
				values,
				errors: { test_to: [m.broadcast_error_test_not_staff({ addresses: strangers.join(', ') })] }
			});
		}
		if (!(await broadcasts.takeTestAllowance(result.actor.id))) {
			return fail(429, { values, errors: { test_to: [m.broadcast_error_test_limit()] } });
		}
		const broadcast = await find(params.id);
		await broadcasts.sendTest(result.actor, broadcast, addresses, getClientAddress());
		return { tested: addresses.join(', '), values, warnings: warnings(result.values) };
	},

	schedule: async ({ request, locals, params, getClientAddress }) => {
		const result = await saveFrom(request, locals, params.id, getClientAddress(), {
			complete: true
		});
		if ('failure' in result) return result.failure;
		const sendAt = String(result.form.get('send_at') ?? '');
		const values = { ...result.values, send_at: sendAt };
		const now = localDateTimeIn(new Date().toISOString());
		if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(sendAt) || sendAt <= now) {
			return fail(400, { values, errors: { send_at: [m.broadcast_error_send_at()] } });
		}
		return start(result.actor, params.id, sendAt, values, getClientAddress());
	},

	send: async ({ request, locals, params, getClientAddress }) => {
		const result = await saveFrom(request, locals, params.id, getClientAddress(), {
			complete: true
		});
		if ('failure' in result) return result.failure;
		return start(result.actor, params.id, null, result.values, getClientAddress());
	},

	unschedule: (event) => change(event, 'unschedule'),
	pause: (event) => change(event, 'pause'),
	resume: (event) => change(event, 'resume'),
	stop: (event) => change(event, 'stop'),

	choose: async ({ request, locals, params, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		const winner = String((await request.formData()).get('winner') ?? '');
		const chosen = await broadcasts.chooseWinner(
			actor,
			params.id,
			winner === 'a' || winner === 'b' ? winner : null,
			getClientAddress()
		);
		if (!chosen) return fail(409, { error: m.broadcast_error_state() });
		return { chosen };
	},

	delete: async ({ locals, params, getClientAddress }) => {
		const actor = requireStaff(locals, 'campaigner');
		if (!(await broadcasts.remove(actor, params.id, getClientAddress()))) {
			return fail(409, { error: m.broadcast_error_not_draft() });
		}
		redirect(303, localizeHref('/admin/emails'));
	}
};

async function start(
	actor: { id: string },
	id: string,
	sendAt: string | null,
	values: Record<string, string>,
	ip: string
) {
	const broadcast = await find(id);
	const audience = await broadcasts.countAudience(broadcast.audience, broadcast.topic);
	if (audience.eligible === 0) return fail(400, { values, error: m.broadcast_error_no_audience() });
	const scheduled = await broadcasts.schedule(actor, broadcast, sendAt, ip);
	if (!scheduled.ok) {
		return fail(409, {
			values,
			error:
				scheduled.reason === 'segment-missing'
					? m.broadcast_error_segment_missing()
					: m.broadcast_error_not_draft()
		});
	}
	redirect(303, localizeHref(`/admin/emails/${id}`));
}

async function change(
	{
		locals,
		params,
		getClientAddress
	}: { locals: App.Locals; params: { id: string }; getClientAddress: () => string },
	action: 'unschedule' | 'pause' | 'resume' | 'stop'
) {
	const actor = requireStaff(locals, 'campaigner');
	if (!(await broadcasts.change(actor, params.id, action, getClientAddress()))) {
		return fail(409, { error: m.broadcast_error_state() });
	}
	return { changed: action };
}
