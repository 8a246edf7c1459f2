import { describe, expect, it } from 'vitest';
import type { Series } from '../impact/index.ts';
import {
	CHART_WIDTH,
	PNG_SCALE,
	chartPng,
	chartSvg,
	escapeXml,
	seriesChart,
	wrap,
	type ChartSpec
} from './chart-image.ts';

const source = {
	as_of: '2015',
	place: 'Phnom Penh',
	measured: 'Share of minors',
	source_title: 'IJM 2015 assessment',
	source_url: 'https://www.ijm.org/cambodia',
	published: true
};

const cambodia: Series = {
	key: 'cambodia_minors_share',
	unit: 'percent',
	title: 'Cambodia: minors among people in commercial sex',
	caption: 'The share fell.',
	method_note: null,
	value_label: 'Share of minors (%)',
	points: [
		{ ...source, id: 1, label: 'Early 2000s', value: 30, value_low: 15 },
		{ ...source, id: 2, label: '2012', value: 8.16, value_low: null },
		{ ...source, id: 3, label: '2015', value: 2.2, value_low: null }
	]
};

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;
/** The words a reader sees, however they are broken into lines. */
const words = (svg: string) =>
	svg
		.replace(/<title>.*?<\/title>/, '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ');

describe('chartSvg', () => {
	it('draws one bar per value, each with its value and its name, under the title and the unit', () => {
		const svg = chartSvg(seriesChart(cambodia, 'en'));
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expect(count(svg, /<rect class="bar/g)).toBe(3);
		expect(count(svg, /<rect class="bar range"/g)).toBe(1);
		expect(svg).toContain('<title>Cambodia: minors among people in commercial sex</title>');
		expect(words(svg)).toContain(' Cambodia: minors among people in commercial sex ');
		expect(words(svg)).toContain(' Share of minors (%) ');
		for (const value of ['15–30%', '8.16%', '2.2%']) expect(svg).toContain(`>${value}</text>`);
		for (const name of ['Early 2000s', '2012', '2015']) expect(svg).toContain(`>${name}</tspan>`);
		expect(svg).toContain(`width="${CHART_WIDTH}"`);
	});

	it('writes the values and ticks in French for a French chart', () => {
		const svg = chartSvg(seriesChart(cambodia, 'fr'));
		expect(svg).toContain('xml:lang="fr-CA"');
		expect(svg).toContain('>8,16\u00a0%</text>');
		expect(svg).toContain('>15 à 30\u00a0%</text>');
	});

	it('makes taller bars for larger values, from the same baseline', () => {
		const spec: ChartSpec = {
			language: 'en',
			title: 'T',
			axisLabel: 'Per 10,000',
			bars: [
				{ label: '2014', low: 43, high: 43, text: '43' },
				{ label: '2017', low: 149, high: 149, text: '149' }
			],
			formatTick: String
		};
		const bars = [
			...chartSvg(spec).matchAll(
				/<rect class="bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g
			)
		].map(([, y, height]) => ({ y: Number(y), height: Number(height) }));
		expect(bars).toHaveLength(2);
		expect(bars[1].height).toBeGreaterThan(bars[0].height * 3);
		expect(bars[0].y + bars[0].height).toBeCloseTo(bars[1].y + bars[1].height);
	});

	it('escapes words that would otherwise be XML', () => {
		const svg = chartSvg({
			language: 'en',
			title: 'Rates <b>&</b> "shares"',
			axisLabel: "People's share",
			bars: [{ label: 'A & <B>', low: 1, high: 1, text: '<1>' }],
			formatTick: String
		});
		expect(svg).toContain('Rates &lt;b&gt;&amp;&lt;/b&gt; &quot;shares&quot;');
		expect(svg).toContain('People&apos;s share');
		expect(svg).toContain('>A &amp; &lt;B&gt;</tspan>');
		expect(svg).toContain('>&lt;1&gt;</text>');
		expect(svg).not.toContain('<b>');
	});

	it('draws an empty chart, title and unit, for a series with no value yet', () => {
		const svg = chartSvg({ ...seriesChart(cambodia, 'en'), bars: [] });
		expect(count(svg, /<rect class="bar/g)).toBe(0);
		expect(svg).toContain('<title>');
	});
});

describe('wrap', () => {
	// At size 10 a letter is taken as 6 units wide.
	it.each([
		['fits on one line', 'Metro Cebu', 200, 3, ['Metro Cebu']],
		[
			'breaks between words',
			'All cities where IJM worked',
			60,
			3,
			['All cities', 'where IJM', 'worked']
		],
		['ends with … past the last line', 'one two three four five six', 48, 2, ['one two', 'three…']]
	])('%s', (_, text, width, max, lines) => {
		expect(wrap(text, width, 10, max)).toEqual(lines);
	});
});

describe('escapeXml', () => {
	it('escapes the five XML characters', () => {
		expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
			'&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;'
		);
	});
});

describe('chartPng', () => {
	it('draws a PNG twice as wide as the chart, with its words in it', async () => {
		const spec = seriesChart(cambodia, 'en');
		const png = await chartPng(chartSvg(spec));
		expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(png.readUInt32BE(16)).toBe(CHART_WIDTH * PNG_SCALE);
		// Without a font resvg silently draws no text: the same chart with and without
		// its words must differ.
		const wordless = await chartPng(
			chartSvg({ ...spec, title: 'x', axisLabel: 'x', bars: [], formatTick: () => '' }).replace(
				/<text[^>]*>.*?<\/text>/g,
				''
			)
		);
		const worded = await chartPng(
			chartSvg({ ...spec, title: 'x', axisLabel: 'x', bars: [], formatTick: () => '' })
		);
		expect(worded.equals(wordless)).toBe(false);
	});
});
