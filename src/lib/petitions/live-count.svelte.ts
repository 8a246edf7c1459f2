import { getLocale } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';

/** A screen reader hears the new count at most this often: the number on screen moves at once. */
const ANNOUNCE_EVERY_MS = 15_000;

/**
 * A petition's count as it moves, from the server-sent events at
 * /api/petitions/<slug>/count, while a page shows it (JavaScript only: without
 * it the page shows the count it was served with).
 */
export class LiveCount {
	#live = $state<number | null>(null);
	/** For a polite live region: the latest count, said calmly. */
	announcement = $state('');
	#lastAnnounced = 0;
	#pending: ReturnType<typeof setTimeout> | undefined;

	/** The latest count heard, else the one the page was served with. */
	value(served: number): number {
		return this.#live ?? served;
	}

	/** Listens for `slug`'s count until the returned function is called. */
	follow(slug: string): () => void {
		this.#live = null;
		const source = new EventSource(`/api/petitions/${encodeURIComponent(slug)}/count`);
		source.onmessage = (event) => {
			const count = (JSON.parse(event.data) as { count?: unknown }).count;
			if (typeof count === 'number') this.#receive(count);
		};
		return () => {
			source.close();
			clearTimeout(this.#pending);
		};
	}

	#receive(count: number) {
		const first = this.#live === null;
		if (count === this.#live) return;
		this.#live = count;
		// The first message is the count on arrival: the page already says it.
		if (!first) this.#announce();
	}

	#announce() {
		clearTimeout(this.#pending);
		const wait = this.#lastAnnounced + ANNOUNCE_EVERY_MS - Date.now();
		if (wait > 0) {
			this.#pending = setTimeout(() => this.#announce(), wait);
			return;
		}
		this.#lastAnnounced = Date.now();
		const number = new Intl.NumberFormat(getLocale() === 'fr' ? 'fr-CA' : 'en-CA');
		this.announcement = m.petition_live_announce({ count: number.format(this.#live ?? 0) });
	}
}
