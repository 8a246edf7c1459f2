import { error } from '@sveltejs/kit';
import { isAuthorisedCron } from '#lib/server/http/cron.ts';
import * as broadcasts from '#lib/server/broadcasts/index.ts';
import { drainOutbox } from '#lib/server/email/worker.ts';
import { emailSettings } from '#lib/server/email/settings.ts';

const DEFAULT_BUDGET_MS = 25_000;
const MAX_BUDGET_MS = 300_000;

/**
 * Starts due broadcasts (the scheduler's tick), then sends what is due in the
 * outbox for up to `budget_ms` (default 25 s), for a serverless host's scheduler
 * and for `npm run worker`. Answers what it did.
 */
export const POST = async ({ request, url, locals }) => {
	if (!isAuthorisedCron(request, emailSettings.cronSecret)) error(404, 'Not found');
	const asked = Number(url.searchParams.get('budget_ms') ?? DEFAULT_BUDGET_MS);
	const budgetMs = Number.isFinite(asked)
		? Math.min(Math.max(asked, 0), MAX_BUDGET_MS)
		: DEFAULT_BUDGET_MS;
	// The scheduler must never stop the outbox: receipts and sign-in links wait on it.
	const scheduler = await broadcasts.tick().catch((failure: unknown) => {
		locals.log.error({ err: failure }, 'email: the broadcasts scheduler failed');
		return { fired: 0, decided: 0, finished: 0 };
	});
	const stats = await drainOutbox({
		worker: `cron:${locals.requestId}`,
		budgetMs,
		log: locals.log,
		signal: request.signal
	});
	// Sends this drain finished are marked sent now, not on the next call.
	if (stats.sent > 0 || stats.suppressed > 0) {
		scheduler.finished += (await broadcasts.tick().catch(() => ({ finished: 0 }))).finished;
	}
	locals.log.info({ ...stats, scheduler }, 'email: drain finished');
	return Response.json({ ...stats, scheduler }, { headers: { 'cache-control': 'no-store' } });
};
