import { describe, expect, it } from 'vitest';
import { monthSeries } from './months.ts';

describe('the months of the donations chart', () => {
	it('fills a month without gifts with zero, across a new year, in one currency', () => {
		const series = monthSeries(
			[
				{ month: '2025-11', currency: 'cad', net_cents: 100, paid: 1 },
				{ month: '2026-02', currency: 'cad', net_cents: 300, paid: 2 },
				{ month: '2025-12', currency: 'usd', net_cents: 999, paid: 1 }
			],
			'cad',
			12
		);
		expect(series.map((entry) => [entry.month, entry.net_cents])).toEqual([
			['2025-11', 100],
			['2025-12', 0],
			['2026-01', 0],
			['2026-02', 300]
		]);
	});

	it('keeps the latest months only', () => {
		const months = Array.from({ length: 30 }, (_, index) => ({
			month: `${2024 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`,
			currency: 'cad',
			net_cents: index,
			paid: 1
		}));
		const series = monthSeries(months, 'cad', 12);
		expect(series).toHaveLength(12);
		expect(series[0].month).toBe('2025-07');
		expect(series.at(-1)!.month).toBe('2026-06');
	});

	it('is empty when nothing was given in that currency', () => {
		expect(monthSeries([], 'cad', 12)).toEqual([]);
	});
});
