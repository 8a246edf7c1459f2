import { error } from '@sveltejs/kit';
import { requireStaff } from '#lib/server/auth/roles.ts';
import * as broadcastStats from '#lib/server/broadcasts/stats.ts';

export const load = async ({ locals, params }) => {
	requireStaff(locals, 'campaigner');
	const result = await broadcastStats.stats(params.id);
	if (!result) error(404, 'Not found');
	const { broadcast, stats } = result;
	return {
		// What the page shows of the broadcast, not what it says (that is its own page).
		broadcast: {
			id: broadcast.id,
			name: broadcast.name,
			topic: broadcast.topic,
			status: broadcast.status,
			track_opens: broadcast.track_opens,
			ab: broadcast.ab,
			ab_winner: broadcast.ab_winner
		},
		stats
	};
};
