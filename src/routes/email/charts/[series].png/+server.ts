import { error } from '@sveltejs/kit';
import { chartPng, chartSvg, seriesChart } from '#lib/server/broadcasts/chart-image.ts';
import * as impact from '#lib/server/impact/index.ts';

// A published impact chart as a PNG for emails (results updates link it with
// ?lang= and a version, ?v=, that changes with its points). Public and the same
// for everyone: no session, no cookie, kept a day by mail proxies and browsers.
export const GET = async ({ params, url }) => {
	const language = url.searchParams.get('lang') === 'fr' ? 'fr' : 'en';
	const { series: published } = await impact.published(language);
	if (!Object.hasOwn(published, params.series)) error(404, 'Not found');
	const series = published[params.series];
	const png = await chartPng(chartSvg(seriesChart(series, language)));
	return new Response(new Uint8Array(png), {
		headers: {
			'content-type': 'image/png',
			'content-length': String(png.length),
			'cache-control': 'public, max-age=86400'
		}
	});
};
