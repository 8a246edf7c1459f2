import { createRequire } from 'node:module';
import path from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import { scaleBand, scaleLinear } from 'd3-scale';
import { formatPoint, numberFormat } from '#lib/impact/format.ts';
import type { Language, Series } from '../impact/index.ts';

// An impact chart as an image an email can carry (/email/charts/<series>.png):
// mail clients run no script and many drop SVG, so the bars are drawn here as
// SVG, in the look of the site's charts, and turned into a PNG. The email gives
// the same values in words beside it (the image's text alternative).

export interface ChartBar {
	label: string;
	/** A single value has low = high; a range (15–30 %) is a floating bar. */
	low: number;
	high: number;
	/** The value as the site writes it ("8.16%", "15–30 %"). */
	text: string;
}

export interface ChartSpec {
	language: Language;
	title: string;
	/** What the values are, with their unit ("Share of minors (%)"). */
	axisLabel: string;
	bars: ChartBar[];
	formatTick: (value: number) => string;
}

/** Width in SVG units; the PNG is drawn at twice this for high-density screens. */
export const CHART_WIDTH = 600;
export const PNG_SCALE = 2;

const BRAND = '#0b3d5c';
const RANGE_FILL = '#9db8cc';
const GRID = '#d6d2c8';
const MUTED = '#4a4a4a';
const INK = '#1a1a1a';
const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
const PAD = 24;
const PLOT_HEIGHT = 200;

export function escapeXml(text: string): string {
	return text.replace(
		/[<>&"']/g,
		(char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!
	);
}

/**
 * Splits text into lines of at most `width` units at `size` (an estimate: the
 * font's average letter is about 0.6 of its size), at most `max` lines, the last
 * ending with … when the text is longer.
 */
export function wrap(text: string, width: number, size: number, max: number): string[] {
	const perLine = Math.max(4, Math.floor(width / (size * 0.6)));
	const lines: string[] = [];
	let line = '';
	for (const word of text.trim().split(/\s+/)) {
		const next = line ? `${line} ${word}` : word;
		if (next.length <= perLine || !line) {
			line = next;
		} else {
			lines.push(line);
			line = word;
		}
	}
	if (line) lines.push(line);
	if (lines.length <= max) return lines.map((each) => clip(each, perLine));
	const kept = lines.slice(0, max);
	kept[max - 1] = clip(`${kept[max - 1]}…`, perLine);
	return kept;
}

function clip(line: string, perLine: number): string {
	return line.length <= perLine ? line : `${line.slice(0, perLine - 1)}…`;
}

function textLines(
	lines: string[],
	x: number,
	y: number,
	lineHeight: number,
	attributes: string
): string {
	const spans = lines
		.map(
			(line, index) =>
				`<tspan x="${x}" y="${round(y + index * lineHeight)}">${escapeXml(line)}</tspan>`
		)
		.join('');
	return `<text ${attributes}>${spans}</text>`;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The chart as an SVG document: title, unit, gridlines with ticks, bars with their values and names. */
export function chartSvg(spec: ChartSpec): string {
	const inner = CHART_WIDTH - PAD * 2;
	const titleLines = wrap(spec.title, inner, 20, 3);
	const axisLines = wrap(spec.axisLabel, inner, 13, 2);
	let y = PAD + 18;
	const title = textLines(
		titleLines,
		PAD,
		y,
		26,
		`font-size="20" font-weight="700" fill="${BRAND}"`
	);
	y += (titleLines.length - 1) * 26 + 24;
	const axis = textLines(axisLines, PAD, y, 17, `font-size="13" fill="${MUTED}"`);
	y += (axisLines.length - 1) * 17;

	// Room above the tallest bar for its value.
	const plotTop = y + 34;
	const plotBottom = plotTop + PLOT_HEIGHT;
	const highest = Math.max(0, ...spec.bars.map((bar) => bar.high));
	const yScale = scaleLinear()
		.domain([0, highest > 0 ? highest : 1])
		.range([plotBottom, plotTop])
		.nice();
	const ticks = yScale.ticks(4);
	const tickTexts = ticks.map((tick) => spec.formatTick(tick));
	const plotLeft = PAD + Math.max(...tickTexts.map((text) => text.length), 1) * 12 * 0.6 + 8;
	const plotRight = CHART_WIDTH - PAD;
	const xScale = scaleBand<number>()
		.domain(spec.bars.map((_, index) => index))
		.range([plotLeft, plotRight])
		.paddingInner(0.3)
		.paddingOuter(0.2);
	const band = xScale.bandwidth();

	const grid = ticks
		.map((tick, index) => {
			const at = round(yScale(tick));
			return (
				`<line x1="${round(plotLeft)}" x2="${plotRight}" y1="${at}" y2="${at}" stroke="${tick === 0 ? MUTED : GRID}" stroke-width="1"/>` +
				`<text x="${round(plotLeft - 6)}" y="${round(at + 4)}" font-size="12" fill="${MUTED}" text-anchor="end">${escapeXml(tickTexts[index])}</text>`
			);
		})
		.join('');

	let labelsBottom = plotBottom;
	const bars = spec.bars
		.map((bar, index) => {
			const x = xScale(index)!;
			const center = round(x + band / 2);
			const top = yScale(bar.high);
			const bottom = yScale(bar.low === bar.high ? 0 : bar.low);
			const shape =
				bar.low === bar.high
					? `<rect class="bar" x="${round(x)}" y="${round(top)}" width="${round(band)}" height="${round(bottom - top)}" fill="${BRAND}"/>`
					: `<rect class="bar range" x="${round(x)}" y="${round(top)}" width="${round(band)}" height="${round(bottom - top)}" fill="${RANGE_FILL}" stroke="${BRAND}" stroke-width="2" stroke-dasharray="4 3"/>`;
			const value = `<text class="value" x="${center}" y="${round(top - 8)}" font-size="14" font-weight="700" fill="${INK}" text-anchor="middle">${escapeXml(bar.text)}</text>`;
			const nameLines = wrap(bar.label, band + (xScale.step() - band) * 0.8, 13, 3);
			labelsBottom = Math.max(labelsBottom, plotBottom + 20 + (nameLines.length - 1) * 16);
			const name = textLines(
				nameLines,
				center,
				plotBottom + 20,
				16,
				`class="name" font-size="13" fill="${INK}" text-anchor="middle"`
			);
			return shape + value + name;
		})
		.join('');

	const height = Math.ceil(labelsBottom + PAD);
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" xml:lang="${spec.language === 'fr' ? 'fr-CA' : 'en-CA'}" role="img" font-family="${FONT}">` +
		`<title>${escapeXml(spec.title)}</title>` +
		`<rect width="100%" height="100%" fill="#ffffff"/>` +
		title +
		axis +
		grid +
		bars +
		`</svg>`
	);
}

/** A published series as its chart, its values written as the impact page writes them. */
export function seriesChart(series: Series, language: Language): ChartSpec {
	return {
		language,
		title: series.title,
		axisLabel: series.value_label,
		bars: series.points.map((point) => ({
			label: point.label,
			low: point.value_low ?? point.value,
			high: point.value,
			text: formatPoint(point, series.unit, language)
		})),
		formatTick: (value) =>
			series.unit === 'rate'
				? numberFormat(language, 'plain').format(value)
				: numberFormat(language, 'percent').format(value / 100)
	};
}

/**
 * The font the chart is drawn in. resvg draws no text without a font, and a fresh
 * server may have none: a font shipped in an npm package comes first, the
 * system's fonts are the fallback.
 */
function fontOptions(): {
	loadSystemFonts: boolean;
	fontDirs: string[];
	defaultFontFamily?: string;
} {
	try {
		const dir = path.dirname(
			createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')
		);
		return { loadSystemFonts: false, fontDirs: [dir], defaultFontFamily: 'DejaVu Sans' };
	} catch {
		return { loadSystemFonts: true, fontDirs: [] };
	}
}

const FONTS = fontOptions();

/** The SVG as a PNG at twice its width (the email shows it at CHART_WIDTH), drawn off the main thread. */
export async function chartPng(svg: string): Promise<Buffer> {
	const image = await renderAsync(svg, {
		font: FONTS,
		fitTo: { mode: 'width', value: CHART_WIDTH * PNG_SCALE },
		background: '#ffffff'
	});
	return image.asPng();
}
