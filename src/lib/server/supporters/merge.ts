import { DatabaseError, must, serviceDb } from '../db.ts';

// Merging two records of one person (they signed with two addresses, or an
// import made a second record). See supporter_merge in the migrations.

export interface MergeCandidate {
	id: string;
	email: string;
	first_name: string | null;
	last_name: string | null;
	created_at: string;
	consents: number;
	signatures: number;
	gifts: number;
	notes: number;
}

/** The supporter with this email (any case), with what a merge would bring over. */
export async function findCandidate(email: string): Promise<MergeCandidate | null> {
	const db = serviceDb();
	const id = must(await db.rpc('supporter_id_by_email', { p_email: email })) as string | null;
	if (!id) return null;
	const found = must(
		await db
			.from('supporters')
			.select('id, email, first_name, last_name, created_at')
			.eq('id', id)
			.is('erased_at', null)
			.maybeSingle()
	) as Omit<MergeCandidate, 'consents' | 'signatures' | 'gifts' | 'notes'> | null;
	if (!found) return null;
	const counted = (table: string) =>
		db
			.from(table)
			.select('supporter_id', { count: 'exact', head: true })
			.eq('supporter_id', found.id);
	const [consents, signatures, gifts, notes] = await Promise.all(
		['consents', 'petition_signatures', 'gifts', 'supporter_notes'].map(counted)
	);
	return {
		...found,
		consents: consents.count ?? 0,
		signatures: signatures.count ?? 0,
		gifts: gifts.count ?? 0,
		notes: notes.count ?? 0
	};
}

export type MergeResult = { ok: true } | { ok: false; reason: 'same' | 'not-found' | 'erased' };

/** Moves everything of `duplicateId` to `survivorId`, then removes the duplicate record. */
export async function merge(
	actor: { id: string },
	survivorId: string,
	duplicateId: string,
	ip: string
): Promise<MergeResult> {
	const { error } = await serviceDb().rpc('supporter_merge', {
		p_actor: actor.id,
		p_survivor: survivorId,
		p_duplicate: duplicateId,
		p_ip: ip
	});
	if (!error) return { ok: true };
	if (error.message === 'same_supporter') return { ok: false, reason: 'same' };
	if (error.message === 'not_found') return { ok: false, reason: 'not-found' };
	if (error.message === 'erased') return { ok: false, reason: 'erased' };
	throw new DatabaseError(error.message, error.code);
}
