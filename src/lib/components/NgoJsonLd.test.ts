import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import NgoJsonLd, { jsonLdText } from './NgoJsonLd.svelte';

describe('NGO structured data', () => {
	it('is a schema.org NGO with the charity’s names, address and home page', () => {
		const { head } = render(NgoJsonLd, { props: { sameAs: ['https://example.org/ijm'] } });
		const json = head.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)?.[1];
		const data = JSON.parse(json!);
		expect(data).toMatchObject({
			'@context': 'https://schema.org',
			'@type': 'NGO',
			name: 'IJM Canada',
			legalName: 'International Justice Mission Canada',
			sameAs: ['https://example.org/ijm']
		});
		expect(data.url).toMatch(/^https?:\/\/[^/]+\//);
		expect(data.logo).toMatch(/^https?:\/\/[^/]+\/share\/logo\.png$/);
		expect(data.description).toContain('IJM Canada');
	});

	it('cannot be closed early by a value that contains </script>', () => {
		const value = { name: '</script><script>alert(1)</script> & <!--' };
		const text = jsonLdText(value);
		expect(text).not.toMatch(/[<>&]/);
		expect(JSON.parse(text)).toEqual(value);
	});
});
