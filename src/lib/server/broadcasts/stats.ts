import { must, serviceDb } from '../db.ts';
import type { Variant } from './content.ts';
import { get, isUuid, type Broadcast } from './index.ts';

// What a broadcast did after it was sent, as broadcast_stats (migration 0026)
// counts it: each email once in each number. What each number means is said on
// the stats page and in README.md here.

export interface LinkClicks {
	index: number;
	url: string;
	/** Every click, a reader clicking twice counts twice. */
	clicks: number;
	/** Emails whose reader clicked it at least once. */
	unique_clickers: number;
}

export interface TimelineBucket {
	starts_at: string;
	size: 'hour' | 'day';
	delivered: number;
	opened: number;
	clicked: number;
}

export interface VariantStats {
	queued: number;
	sent: number;
	delivered: number;
	opened: number;
	clicked: number;
}

export interface BroadcastStats {
	started_at: string | null;
	finished_at: string | null;
	queued: number;
	sent: number;
	failed: number;
	suppressed: number;
	waiting: number;
	cancelled: number;
	delivered: number;
	bounced: number;
	complained: number;
	opened: number;
	clicked: number;
	unsubscribed: number;
	topic_optouts: number;
	links: LinkClicks[];
	attributed: {
		/** Recipients who clicked (the people gifts and signatures are looked for from). */
		clickers: number;
		gifts: { currency: string; count: number; amount_cents: number }[];
		signatures: number;
	};
	timeline: TimelineBucket[];
	variants: Partial<Record<Variant, VariantStats>> | null;
}

/** A broadcast with its numbers, or null when there is no such broadcast. */
export async function stats(
	id: string
): Promise<{ broadcast: Broadcast; stats: BroadcastStats } | null> {
	if (!isUuid(id)) return null;
	const broadcast = await get(id);
	if (!broadcast) return null;
	const numbers = must(
		await serviceDb().rpc('broadcast_stats', { p_id: id })
	) as BroadcastStats | null;
	if (!numbers) return null;
	return { broadcast, stats: numbers };
}

/** `part` as a share of `whole`, or null when there is no whole to share (nothing delivered yet). */
export function rate(part: number, whole: number): number | null {
	return whole > 0 ? part / whole : null;
}
