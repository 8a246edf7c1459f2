import { serviceDb } from './db.ts';

/** Whether the database answers through PostgREST, with the reason when it does not. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; reason: string }> {
	try {
		const { error } = await serviceDb().from('supporters').select('id', { head: true }).limit(1);
		return error ? { ok: false, reason: error.message } : { ok: true };
	} catch (error) {
		return { ok: false, reason: error instanceof Error ? error.message : String(error) };
	}
}
