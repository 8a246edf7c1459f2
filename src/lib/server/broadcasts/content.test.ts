import { describe, expect, it } from 'vitest';
import {
	bodyToHtml,
	fillFirstName,
	freezeContent,
	unknownMergeFields,
	untrackedLinks,
	unusableLinks,
	type VariantContent
} from './content.ts';

const text = (body: string, cta: VariantContent['en']['cta'] = null) => ({
	subject: 'Hello {{first_name|friend}}',
	preheader: '',
	body,
	cta
});

const escape = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

describe('bodyToHtml', () => {
	it('keeps the tags an email may carry and removes scripts, styles and event handlers', () => {
		const html = bodyToHtml(
			'# Title\n\n**Bold** [link](https://example.org)\n\n<script>alert(1)</script><img src="https://example.org/a.png" onerror="x()"><p style="color:red">styled</p>'
		);
		expect(html).toContain('<h2>Title</h2>');
		expect(html).toContain('<strong>Bold</strong>');
		expect(html).toContain('<a href="https://example.org">link</a>');
		expect(html).not.toMatch(/script|onerror|style=/);
	});
});

describe('freezeContent', () => {
	it('numbers each link once, keeps mailto, makes site paths absolute and keeps the button', () => {
		const body =
			'See [a](https://example.org/a), [again](https://example.org/a) and [b](/donate).\n\nWrite to [us](mailto:hi@example.org).';
		const { rendered, links } = freezeContent({
			a: {
				en: text(body, { label: 'Give', url: '/donate', kind: 'give' }),
				fr: text(body)
			}
		});
		expect(links).toEqual([
			'https://example.org/a',
			expect.stringMatching(/^https?:\/\/.+\/donate$/)
		]);
		const html = rendered.a!.en.html;
		expect(html.match(/https:\/\/link\.invalid\/0/g)).toHaveLength(2);
		expect(html).toContain('href="https://link.invalid/1"');
		expect(html).toContain('href="mailto:hi@example.org"');
		expect(html).toContain(
			'<p class="cta"><a class="button" href="https://link.invalid/1">Give</a></p>'
		);
		expect(untrackedLinks(html, links)).toContain('href="https://example.org/a"');
	});

	it('tracks a bare address in the text like any link', () => {
		const { rendered, links } = freezeContent({
			a: { en: text('Read https://example.org/report today'), fr: text('x') }
		});
		expect(links).toEqual(['https://example.org/report']);
		expect(rendered.a!.en.html).toContain('href="https://link.invalid/0"');
	});

	it('puts a placeholder for the first name, filled per reader and escaped', () => {
		const { rendered } = freezeContent({
			a: { en: text('Hi {{first_name|friend}},'), fr: text('Bonjour {{ first_name }},') }
		});
		expect(rendered.a!.en.subject).not.toContain('{{');
		expect(fillFirstName(rendered.a!.en.html, '<Ana>', 'there', escape)).toContain('Hi &lt;Ana>,');
		expect(fillFirstName(rendered.a!.en.html, null, 'there', escape)).toContain('Hi friend,');
		expect(fillFirstName(rendered.a!.fr.html, '  ', 'à vous', escape)).toContain('Bonjour à vous,');
	});
});

describe('links and merge fields staff are warned about', () => {
	it('finds links that cannot work in an email', () => {
		expect(
			unusableLinks(
				'[a](https://example.org) [b](/donate) [c](mailto:x@example.org) [d](www.example.org) [e](#top)'
			)
		).toEqual(['www.example.org', '#top']);
	});

	it('lists merge fields it does not know', () => {
		expect(unknownMergeFields('Hi {{first_name|friend}} {{last_name}}')).toEqual(['{{last_name}}']);
	});
});
