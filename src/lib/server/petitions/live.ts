import { logger } from '../log/index.ts';
import { must, serviceDb } from '../db.ts';

// Live counts for everyone on a petition's page (server-sent events). However many
// people watch, an app instance asks the database once per POLL_MS, for every
// petition watched at once: the poller starts with the first viewer and stops with
// the last. A viewer is told only when their petition's count changed, and a
// comment line keeps idle connections open through proxies.
//
// This is the one module-level state the server keeps on purpose: the viewers
// connected to this instance, and the counts it last read for them.

export const POLL_MS = 2000;
/** A keep-alive every HEARTBEAT_POLLS polls (20 s): proxies close a silent connection. */
const HEARTBEAT_POLLS = 10;

export interface Viewer {
	count(count: number): void;
	heartbeat(): void;
}

const viewers = new Map<string, Set<Viewer>>();
/** The last count read for each watched petition (published or closed). */
const counts = new Map<string, number>();
/** Reads of a count not yet known, shared by the viewers who asked at once. */
const reading = new Map<string, Promise<number | null>>();
let timer: ReturnType<typeof setInterval> | undefined;
let polling = false;
let polls = 0;

/** Counts of public petitions, by slug, in one query. */
async function readCounts(slugs: string[]): Promise<Map<string, number>> {
	const rows = must(
		await serviceDb()
			.from('petitions')
			.select('slug, signature_count')
			.in('slug', slugs)
			.in('status', ['published', 'closed'])
	) as { slug: string; signature_count: number }[];
	return new Map(rows.map((row) => [row.slug, row.signature_count]));
}

async function poll() {
	if (polling || viewers.size === 0) return;
	polling = true;
	polls += 1;
	try {
		const latest = await readCounts([...viewers.keys()]);
		for (const [slug, count] of latest) {
			if (counts.get(slug) === count) continue;
			counts.set(slug, count);
			for (const viewer of viewers.get(slug) ?? []) viewer.count(count);
		}
	} catch (error) {
		logger.warn({ err: error }, 'live petition counts: poll failed');
	} finally {
		polling = false;
	}
	if (polls % HEARTBEAT_POLLS === 0) {
		for (const set of viewers.values()) for (const viewer of set) viewer.heartbeat();
	}
}

/**
 * The current count of a public petition, from the poller's last read when it has
 * one (so a thousand viewers arriving cost no query each), else from the database.
 * Null for an unknown slug or a draft.
 */
export async function currentCount(slug: string): Promise<number | null> {
	const known = counts.get(slug);
	if (known !== undefined) return known;
	// Viewers arriving together share one read.
	let read = reading.get(slug);
	if (!read) {
		read = readCounts([slug])
			.then((latest) => latest.get(slug) ?? null)
			.finally(() => reading.delete(slug));
		reading.set(slug, read);
	}
	return read;
}

/** Tells `viewer` each new count of `slug` until the returned function is called. */
export function watch(slug: string, viewer: Viewer, count: number): () => void {
	let set = viewers.get(slug);
	if (!set) {
		set = new Set();
		viewers.set(slug, set);
		counts.set(slug, count);
	}
	set.add(viewer);
	timer ??= setInterval(() => void poll(), POLL_MS);
	return () => {
		set.delete(viewer);
		if (set.size > 0) return;
		viewers.delete(slug);
		counts.delete(slug);
		if (viewers.size === 0 && timer) {
			clearInterval(timer);
			timer = undefined;
		}
	};
}

/** How many viewers this instance holds, and whether it is polling (for tests and the bench). */
export function stats(): { viewers: number; petitions: number; polling: boolean } {
	let total = 0;
	for (const set of viewers.values()) total += set.size;
	return { viewers: total, petitions: viewers.size, polling: timer !== undefined };
}
