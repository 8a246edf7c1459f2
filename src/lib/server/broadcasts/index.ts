import { randomUUID } from 'node:crypto';
import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';
import type { SupporterFilter } from '#lib/schemas/supporter-filter.ts';
import * as audit from '../auth/audit.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';
import * as outbox from '../email/outbox.ts';
import type { Language } from '../email/types.ts';
import { freezeContent, type BroadcastContent, type Variant } from './content.ts';

// Broadcasts: email campaigns staff write, test, schedule and send. Every state
// change is one SQL function (migration 0025) so that it is one transaction; the
// scheduler's tick (`tick`) runs in every worker and cron call. See README.md here.

export const TOPICS = ['results', 'campaigns', 'giving'] as const;
export type Topic = (typeof TOPICS)[number];

export const STATUSES = [
	'draft',
	'scheduled',
	'testing',
	'sending',
	'paused',
	'sent',
	'cancelled'
] as const;
export type BroadcastStatus = (typeof STATUSES)[number];

export interface Audience {
	segments: string[];
	filter?: SupporterFilter;
}

export interface AbTest {
	test: 'subject' | 'body';
	/** Of the audience, in the test: half get a, half get b. */
	sample_percent: number;
	metric: 'opens' | 'clicks';
	decide_after_minutes: number;
}

export type Origin =
	| { kind: 'blank' }
	| { kind: 'template'; id: string }
	| { kind: 'results'; since: string | null }
	| { kind: 'petition'; id: string }
	| { kind: 'campaign'; id: string };

export interface Broadcast {
	id: string;
	name: string;
	topic: Topic;
	origin: Origin;
	content: BroadcastContent;
	audience: Audience;
	track_opens: boolean;
	ab: AbTest | null;
	ab_winner: Variant | null;
	ab_decided_at: string | null;
	status: BroadcastStatus;
	paused_from: 'testing' | 'sending' | null;
	scheduled_at: string | null;
	started_at: string | null;
	finished_at: string | null;
	queued_count: number;
	created_at: string;
	updated_at: string;
}

const COLUMNS =
	'id, name, topic, origin, content, audience, track_opens, ab, ab_winner, ab_decided_at, status, ' +
	'paused_from, scheduled_at, started_at, finished_at, queued_count, created_at, updated_at';

export type BroadcastSummary = Pick<
	Broadcast,
	'id' | 'name' | 'topic' | 'status' | 'scheduled_at' | 'started_at' | 'queued_count' | 'updated_at'
> & { subject: string };

export async function list(
	options: { status?: BroadcastStatus } = {}
): Promise<BroadcastSummary[]> {
	let query = serviceDb()
		.from('broadcasts')
		.select('id, name, topic, status, scheduled_at, started_at, queued_count, updated_at, content')
		.order('created_at', { ascending: false })
		.limit(200);
	if (options.status) query = query.eq('status', options.status);
	const rows = must(await query) as (BroadcastSummary & { content: BroadcastContent })[];
	return rows.map(({ content, ...row }) => ({ ...row, subject: content.a?.en?.subject ?? '' }));
}

export async function get(id: string): Promise<Broadcast | null> {
	if (!isUuid(id)) return null;
	return must(
		await serviceDb().from('broadcasts').select(COLUMNS).eq('id', id).maybeSingle()
	) as Broadcast | null;
}

export function isUuid(value: string): boolean {
	return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export async function create(
	actor: { id: string },
	draft: {
		name: string;
		topic: Topic;
		origin: Origin;
		content: BroadcastContent;
		audience?: Audience;
	},
	ip: string
): Promise<string> {
	const row = must(
		await serviceDb()
			.from('broadcasts')
			.insert({
				name: draft.name,
				topic: draft.topic,
				origin: draft.origin,
				content: draft.content,
				audience: draft.audience ?? { segments: [] },
				created_by: actor.id,
				updated_by: actor.id
			})
			.select('id')
			.single()
	) as { id: string };
	await audit.record({
		staffId: actor.id,
		action: 'broadcast.created',
		target: row.id,
		details: { name: draft.name, origin: draft.origin },
		ip
	});
	return row.id;
}

export type DraftFields = Pick<
	Broadcast,
	'name' | 'topic' | 'content' | 'audience' | 'track_opens' | 'ab'
>;

/** Saves a draft. Once scheduled it cannot change (unschedule it first). */
export async function saveDraft(
	actor: { id: string },
	id: string,
	fields: DraftFields,
	ip: string
): Promise<{ ok: true } | { ok: false; reason: 'not-draft' }> {
	const { data, error } = await serviceDb()
		.from('broadcasts')
		.update({ ...fields, updated_by: actor.id })
		.eq('id', id)
		.eq('status', 'draft')
		.select('id');
	if (error?.code === '55000') return { ok: false, reason: 'not-draft' };
	if (error) throw new DatabaseError(error.message, error.code);
	if (data.length === 0) return { ok: false, reason: 'not-draft' };
	await audit.record({ staffId: actor.id, action: 'broadcast.saved', target: id, details: {}, ip });
	return { ok: true };
}

export async function remove(actor: { id: string }, id: string, ip: string): Promise<boolean> {
	const removed = must(
		await serviceDb().from('broadcasts').delete().eq('id', id).eq('status', 'draft').select('name')
	) as { name: string }[];
	if (removed.length === 0) return false;
	await audit.record({
		staffId: actor.id,
		action: 'broadcast.deleted',
		target: id,
		details: { name: removed[0].name },
		ip
	});
	return true;
}

export interface AudienceCount {
	/** Who will get it: consent now, address not suppressed, not opted out of the topic. */
	eligible: number;
	en: number;
	fr: number;
	/** Who the segments and filter match, before those are taken out. */
	matching: number;
}

export async function countAudience(audience: Audience, topic: Topic): Promise<AudienceCount> {
	const counts = must(
		await serviceDb().rpc('broadcast_audience_count', { p_audience: audience, p_topic: topic })
	) as Record<keyof AudienceCount, number | string>;
	return {
		eligible: Number(counts.eligible),
		en: Number(counts.en),
		fr: Number(counts.fr),
		matching: Number(counts.matching)
	};
}

/**
 * Schedules a draft for `local` (wall-clock 'YYYY-MM-DDTHH:MM' in the charity's
 * time zone) or, with null, for now, in which case it starts at once. What it says
 * is frozen first, so every recipient gets what staff previewed.
 */
export async function schedule(
	actor: { id: string },
	broadcast: Broadcast,
	local: string | null,
	ip: string
): Promise<
	{ ok: true; scheduledAt: string } | { ok: false; reason: 'not-draft' | 'segment-missing' }
> {
	const { rendered, links } = freezeContent(broadcast.content);
	const result = must(
		await serviceDb().rpc('broadcast_schedule', {
			p_actor: actor.id,
			p_id: broadcast.id,
			p_local: local,
			p_zone: CHARITY_TIME_ZONE,
			p_rendered: rendered,
			p_links: links,
			p_ip: ip
		})
	) as { ok: boolean; scheduled_at?: string; reason?: 'not-draft' | 'segment-missing' };
	if (!result.ok) return { ok: false, reason: result.reason ?? 'not-draft' };
	if (local === null) await tick();
	return { ok: true, scheduledAt: result.scheduled_at! };
}

type Action = 'unschedule' | 'pause' | 'resume' | 'stop';

/** A state change staff ask for; false when the broadcast is not in a state that allows it. */
export async function change(
	actor: { id: string },
	id: string,
	action: Action,
	ip: string
): Promise<boolean> {
	return must(
		await serviceDb().rpc(`broadcast_${action}`, { p_actor: actor.id, p_id: id, p_ip: ip })
	) as boolean;
}

/** Ends an A/B test now: `winner`, or the better variant so far (null). */
export async function chooseWinner(
	actor: { id: string },
	id: string,
	winner: Variant | null,
	ip: string
): Promise<Variant | null> {
	return must(
		await serviceDb().rpc('broadcast_ab_choose', {
			p_actor: actor.id,
			p_id: id,
			p_winner: winner,
			p_ip: ip
		})
	) as Variant | null;
}

/**
 * Sends the draft as it is now to staff addresses, in both languages (and both
 * variants of an A/B test), marked as a test. Not counted in its stats.
 */
export async function sendTest(
	actor: { id: string },
	broadcast: Broadcast,
	addresses: string[],
	ip: string
): Promise<number> {
	const { rendered, links } = freezeContent(broadcast.content);
	const snapshot = { rendered, links, trackOpens: false };
	const variants = (Object.keys(rendered) as Variant[]).sort();
	const sendId = randomUUID();
	const emails = addresses.flatMap((to) =>
		variants.flatMap((variant) =>
			(['en', 'fr'] as Language[]).map((language) => ({
				idempotencyKey: `broadcast-test:${broadcast.id}:${sendId}:${to.toLowerCase()}:${variant}:${language}`,
				template: 'broadcast',
				data: { broadcast: broadcast.id, variant, snapshot },
				language,
				to,
				kind: 'broadcast' as const
			}))
		)
	);
	const queued = await outbox.enqueue(emails);
	await audit.record({
		staffId: actor.id,
		action: 'broadcast.test_sent',
		target: broadcast.id,
		details: { to: addresses },
		ip
	});
	return queued;
}

export type Progress = Partial<
	Record<'pending' | 'batched' | 'sent' | 'failed' | 'suppressed' | 'held' | 'cancelled', number>
>;

/** Its outbox rows by status: queued, sent, failed as it goes. */
export async function progress(id: string): Promise<Progress> {
	return must(await serviceDb().rpc('broadcast_progress', { p_id: id })) as Progress;
}

/**
 * The scheduler: starts due broadcasts, decides due A/B tests, marks finished
 * sends. Every worker and cron call runs it; SQL makes sure each thing happens once.
 */
export async function tick(): Promise<{ fired: number; decided: number; finished: number }> {
	return must(await serviceDb().rpc('broadcasts_tick')) as {
		fired: number;
		decided: number;
		finished: number;
	};
}

/** When the last results update started, for "what changed since". */
export async function lastResultsUpdateAt(): Promise<Date | null> {
	const row = must(
		await serviceDb()
			.from('broadcasts')
			.select('started_at')
			.eq('origin->>kind', 'results')
			.not('started_at', 'is', null)
			.neq('status', 'cancelled')
			.order('started_at', { ascending: false })
			.limit(1)
			.maybeSingle()
	) as { started_at: string } | null;
	return row ? new Date(row.started_at) : null;
}

/** Of these addresses, the ones that are not staff (tests go to staff only), any letter case. */
export async function notStaff(addresses: string[]): Promise<string[]> {
	const staff = must(await serviceDb().from('staff').select('email').is('removed_at', null)) as {
		email: string;
	}[];
	const known = new Set(staff.map((member) => member.email.toLowerCase()));
	return addresses.filter((address) => !known.has(address.toLowerCase()));
}

/** Tests a staff member may send: 20 an hour, so a mistake cannot flood inboxes. */
export async function takeTestAllowance(staffId: string): Promise<boolean> {
	return must(
		await serviceDb().rpc('rate_limit_take', {
			p_key: `broadcast-test:${staffId}`,
			p_limit: 20,
			p_window_seconds: 3600
		})
	) as boolean;
}
