// The numbered sources of a page: every figure on it, in the order it appears,
// each once (a figure shown twice keeps its first number).

export interface Footnoted {
	as_of: string;
	place: string;
	measured: string;
	source_title: string;
	source_url: string | null;
	verification?: 'verified' | 'secondary';
}

export interface Footnotes<Item extends Footnoted = Footnoted> {
	items: Item[];
	/** The footnote number of a figure on this page (1-based), if it has one. */
	number(item: { id?: number } | { key?: string }): number | undefined;
}

export function footnotesFor<Item extends Footnoted>(
	figures: (Item | undefined)[]
): Footnotes<Item> {
	const items = [...new Set(figures.filter((item): item is Item => Boolean(item)))];
	return {
		items,
		number(item) {
			// Points are known by id, metrics by key.
			const index = items.findIndex(
				(candidate) =>
					(candidate as unknown) === item ||
					('id' in candidate && 'id' in item && candidate.id === item.id) ||
					('key' in candidate && 'key' in item && candidate.key === item.key)
			);
			return index === -1 ? undefined : index + 1;
		}
	};
}
