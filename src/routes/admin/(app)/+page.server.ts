import { requireStaff } from '#lib/server/auth/roles.ts';
import * as email from '#lib/server/email/status.ts';
import * as stories from '#lib/server/stories/index.ts';
import * as supporters from '#lib/server/supporters/index.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	const [emailStatus, total, subscribed, expiring, storyAttention] = await Promise.all([
		email.status(),
		supporters.count({}),
		supporters.count({ consent: 'subscribed' }),
		supporters.count({ consent: 'expiring' }),
		stories.attention()
	]);
	return {
		email: emailStatus,
		supporters: { total, subscribed, expiring },
		stories: storyAttention
	};
};
