import { error } from '@sveltejs/kit';
import { BENCH_BARE_PAGE } from '$app/env/private';

// The floor for `npm run bench`: the cheapest page this server can render, so a
// page's figure can be read as a share of it. Absent unless BENCH_BARE_PAGE=1.
export const load = () => {
	if (!BENCH_BARE_PAGE) error(404, 'Not found');
};
