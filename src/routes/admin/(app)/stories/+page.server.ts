import { todayUtc } from '#lib/schemas/story.ts';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as stories from '#lib/server/stories/index.ts';

export const load = async ({ locals }) => {
	requireStaff(locals);
	return { stories: await stories.list(), today: todayUtc() };
};
