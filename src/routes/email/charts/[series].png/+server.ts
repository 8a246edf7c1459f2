import { error } from '@sveltejs/kit';
import { chartPng, chartSvg, seriesChart } from '#lib/server/broadcasts/chart-image.ts';
import * as impact from '#lib/server/impact/index.ts';

// A published impact chart as a PNG for emails (results updates link it with
// ?lang= and a version, ?v=, that changes with its points). Public and the same
// for everyone: no session, no cookie, kept a day by mail proxies and browsers.
// Mail proxies fetch it once per recipient, so each drawing is made once per
// instance: the PNG is kept by its SVG (which holds every word and value drawn).
const drawn = new Map<string, Buffer>();
const KEEP = 20;

async function pngOf(svg: string): Promise<Buffer> {
	const cached = drawn.get(svg);
	if (cached) return cached;
	const png = await chartPng(svg);
	drawn.set(svg, png);
	if (drawn.size > KEEP) drawn.delete(drawn.keys().next().value!);
	return png;
}

export const GET = async ({ params, url }) => {
	const language = url.searchParams.get('lang') === 'fr' ? 'fr' : 'en';
	const { series: published } = await impact.published(language);
	if (!Object.hasOwn(published, params.series)) error(404, 'Not found');
	const series = published[params.series];
	const png = await pngOf(chartSvg(seriesChart(series, language)));
	return new Response(new Uint8Array(png), {
		headers: {
			'content-type': 'image/png',
			'content-length': String(png.length),
			'cache-control': 'public, max-age=86400'
		}
	});
};
