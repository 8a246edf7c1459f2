import { checkDatabase } from '#lib/server/health.ts';

/** For load balancers and uptime checks: 200 when the database answers, else 503. */
export const GET = async ({ locals }) => {
	const database = await checkDatabase();
	if (!database.ok)
		locals.log.error({ reason: database.reason }, 'health check: database not answering');
	return Response.json(
		{ ok: database.ok, database: database.ok ? 'ok' : 'unavailable' },
		{ status: database.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
