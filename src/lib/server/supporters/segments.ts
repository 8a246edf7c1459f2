import type { SupporterFilter } from '#lib/schemas/supporter-filter.ts';
import * as audit from '../auth/audit.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';
import { count } from './index.ts';

// Segments: a named supporter filter. It is stored as the filter, not as a list,
// so it always means "who matches now" (new signers join it by themselves).

export interface Segment {
	id: string;
	name: string;
	filter: SupporterFilter;
	created_at: string;
	updated_at: string;
	staff: { email: string } | null;
}

export async function list(): Promise<(Segment & { count: number })[]> {
	const segments = must(
		await serviceDb()
			.from('segments')
			.select('id, name, filter, created_at, updated_at, staff(email)')
			.order('name')
	) as unknown as Segment[];
	const counts = await Promise.all(segments.map((segment) => count(segment.filter)));
	return segments.map((segment, index) => ({ ...segment, count: counts[index] }));
}

export async function get(id: string): Promise<Segment | null> {
	return must(
		await serviceDb()
			.from('segments')
			.select('id, name, filter, created_at, updated_at, staff(email)')
			.eq('id', id)
			.maybeSingle()
	) as unknown as Segment | null;
}

type SaveResult = { ok: true; id: string } | { ok: false; reason: 'name-taken' };

/** Saves a new segment, or replaces the filter (and name) of an existing one. */
export async function save(
	actor: { id: string },
	segment: { id?: string; name: string; filter: SupporterFilter },
	ip: string
): Promise<SaveResult> {
	const db = serviceDb();
	const row = { name: segment.name.trim(), filter: segment.filter };
	const { data, error } = segment.id
		? await db.from('segments').update(row).eq('id', segment.id).select('id').single()
		: await db
				.from('segments')
				.insert({ ...row, created_by: actor.id })
				.select('id')
				.single();
	if (error?.code === '23505') return { ok: false, reason: 'name-taken' };
	if (error) throw new DatabaseError(error.message, error.code);
	await audit.record({
		staffId: actor.id,
		action: segment.id ? 'segment.updated' : 'segment.created',
		target: data.id,
		details: row,
		ip
	});
	return { ok: true, id: data.id };
}

export async function remove(actor: { id: string }, id: string, ip: string): Promise<void> {
	const removed = must(await serviceDb().from('segments').delete().eq('id', id).select('name')) as {
		name: string;
	}[];
	if (removed.length > 0) {
		await audit.record({
			staffId: actor.id,
			action: 'segment.deleted',
			target: id,
			details: { name: removed[0].name },
			ip
		});
	}
}
