import { error } from '@sveltejs/kit';
import { isAuthorisedCron } from '#lib/server/http/cron.ts';
import { drainOutbox } from '#lib/server/email/worker.ts';
import { emailSettings } from '#lib/server/email/settings.ts';

const DEFAULT_BUDGET_MS = 25_000;
const MAX_BUDGET_MS = 300_000;

/**
 * Sends what is due in the outbox for up to `budget_ms` (default 25 s), for a
 * serverless host's scheduler and for `npm run worker`. Answers what it did.
 */
export const POST = async ({ request, url, locals }) => {
	if (!isAuthorisedCron(request, emailSettings.cronSecret)) error(404, 'Not found');
	const asked = Number(url.searchParams.get('budget_ms') ?? DEFAULT_BUDGET_MS);
	const budgetMs = Number.isFinite(asked)
		? Math.min(Math.max(asked, 0), MAX_BUDGET_MS)
		: DEFAULT_BUDGET_MS;
	const stats = await drainOutbox({
		worker: `cron:${locals.requestId}`,
		budgetMs,
		log: locals.log,
		signal: request.signal
	});
	locals.log.info({ ...stats }, 'email: drain finished');
	return Response.json(stats, { headers: { 'cache-control': 'no-store' } });
};
