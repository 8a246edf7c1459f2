import { requireStaff } from '#lib/server/auth/roles.ts';
import * as donations from '#lib/server/donations/admin.ts';
import { donationSettings } from '#lib/server/donations/settings.ts';
import * as email from '#lib/server/email/status.ts';
import * as stories from '#lib/server/stories/index.ts';
import * as supporters from '#lib/server/supporters/index.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	const [emailStatus, total, subscribed, expiring, storyAttention, giving, settings] =
		await Promise.all([
			email.status(),
			supporters.count({}),
			supporters.count({ consent: 'subscribed' }),
			supporters.count({ consent: 'expiring' }),
			stories.attention(),
			donations.dashboard(),
			donationSettings()
		]);
	return {
		email: emailStatus,
		supporters: { total, subscribed, expiring },
		stories: storyAttention,
		donations: {
			...giving,
			currency: settings.currency,
			receiptsOfficial: settings.receiptsOfficial
		}
	};
};
