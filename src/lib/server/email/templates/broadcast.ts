import { must, serviceDb } from '../../db.ts';
import type { RenderedContent, RenderedText, Variant } from '../../broadcasts/content.ts';
import { loadTrackingSecret } from '../../broadcasts/tracking.ts';
import { EmailDataMissing, type PreparedEmail } from '../prepare.ts';
import type { Language } from '../types.ts';

// A broadcast's outbox rows carry only {broadcast, variant}: 100,000 copies of the
// email in the outbox would be hundreds of megabytes. What they say was frozen in
// `broadcasts.rendered` when it was scheduled and never changes, so it is read once
// per broadcast and variant and kept in memory.

export interface BroadcastQueued {
	broadcast: string;
	variant: Variant;
	/** A test sent to staff from a draft: what the draft said at that moment. */
	snapshot?: { rendered: RenderedContent; links: string[]; trackOpens: boolean };
}

export interface BroadcastEmailData extends RenderedText {
	broadcast: string;
	variant: Variant;
	/** The links the HTML's link placeholders stand for. */
	links: string[];
	trackOpens: boolean;
	test: boolean;
}

interface Frozen {
	rendered: RenderedContent;
	links: string[];
	trackOpens: boolean;
}

const CACHE_SIZE = 50;
const frozen = new Map<string, Frozen>();

async function readFrozen(id: string): Promise<Frozen> {
	const cached = frozen.get(id);
	if (cached) return cached;
	const row = must(
		await serviceDb()
			.from('broadcasts')
			.select('rendered, links, track_opens')
			.eq('id', id)
			.not('rendered', 'is', null)
			.maybeSingle()
	) as { rendered: RenderedContent; links: string[]; track_opens: boolean } | null;
	if (!row) throw new EmailDataMissing(`broadcast ${id}`);
	const value = { rendered: row.rendered, links: row.links, trackOpens: row.track_opens };
	frozen.set(id, value);
	if (frozen.size > CACHE_SIZE) frozen.delete(frozen.keys().next().value!);
	return value;
}

export async function prepareBroadcast(
	queued: BroadcastQueued,
	language: Language
): Promise<PreparedEmail<BroadcastEmailData>> {
	const source = queued.snapshot ?? (await readFrozen(queued.broadcast));
	// Each recipient's links are signed as it renders (synchronously): the secret
	// must be in memory first. Tests to staff keep plain links and need none.
	if (!queued.snapshot) await loadTrackingSecret();
	const text = source.rendered[queued.variant]?.[language] ?? source.rendered.a?.[language];
	if (!text) throw new EmailDataMissing(`broadcast ${queued.broadcast} variant ${queued.variant}`);
	return {
		data: {
			...text,
			broadcast: queued.broadcast,
			variant: queued.variant,
			links: source.links,
			trackOpens: source.trackOpens,
			test: Boolean(queued.snapshot)
		}
	};
}
