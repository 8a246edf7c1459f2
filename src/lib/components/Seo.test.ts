import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Seo from './Seo.svelte';

function meta(head: string, attribute: 'name' | 'property', key: string): string | undefined {
	const tag = head.match(new RegExp(`<meta ${attribute}="${key}" content="([^"]*)"`));
	return tag?.[1];
}

// What SvelteKit gives a component rendered for a request (`page` from $app/state).
const request = (url: string) => new Map([['__request__', { page: { url: new URL(url) } }]]);

describe('share and search tags', () => {
	const { head } = render(Seo, {
		context: request('http://10.0.0.5:3000/impact?utm_source=x'),
		props: {
			title: 'Children protected',
			description: 'How it was done.',
			image: '/share/impact-en.png',
			imageAlt: 'The impact story'
		}
	});

	it('gives the title with the site’s name, the description and an absolute canonical URL', () => {
		expect(head).toContain('<title>Children protected · IJM Canada</title>');
		expect(meta(head, 'name', 'description')).toBe('How it was done.');
		// From SITE_URL, not the address the request came to, and without the query string.
		const canonical = head.match(/<link rel="canonical" href="([^"]+)"/)?.[1];
		expect(canonical).toMatch(/^https?:\/\/[^/]+\/impact$/);
		expect(canonical).not.toContain('10.0.0.5');
		expect(meta(head, 'property', 'og:url')).toBe(canonical);
	});

	it('gives Open Graph tags with an absolute 1200×630 image and its alt text', () => {
		expect(meta(head, 'property', 'og:title')).toBe('Children protected');
		expect(meta(head, 'property', 'og:site_name')).toBe('IJM Canada');
		expect(meta(head, 'property', 'og:image')).toMatch(/^https?:\/\/.+\/share\/impact-en\.png$/);
		expect(meta(head, 'property', 'og:image:width')).toBe('1200');
		expect(meta(head, 'property', 'og:image:height')).toBe('630');
		expect(meta(head, 'property', 'og:image:alt')).toBe('The impact story');
		expect(meta(head, 'property', 'og:locale')).toBe('en_CA');
		expect(meta(head, 'property', 'og:locale:alternate')).toBe('fr_CA');
	});

	it('asks for a large image card on X', () => {
		expect(meta(head, 'name', 'twitter:card')).toBe('summary_large_image');
		expect(meta(head, 'name', 'twitter:image')).toBe(meta(head, 'property', 'og:image'));
	});
});
