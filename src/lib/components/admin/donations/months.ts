export interface MonthTotal {
	/** 'YYYY-MM' on the charity's clock. */
	month: string;
	currency: string;
	net_cents: number;
	paid: number;
}

function nextMonth(month: string): string {
	const [year, number] = month.split('-').map(Number);
	return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/**
 * One currency's months, every month from the first to the last (a month without
 * gifts is a zero, not a gap), the latest `limit` of them.
 */
export function monthSeries(months: MonthTotal[], currency: string, limit: number): MonthTotal[] {
	const mine = months.filter((entry) => entry.currency === currency);
	if (mine.length === 0) return [];
	const byMonth = new Map(mine.map((entry) => [entry.month, entry]));
	const sorted = [...byMonth.keys()].sort();
	const series: MonthTotal[] = [];
	for (let month = sorted[0]; month <= sorted.at(-1)!; month = nextMonth(month)) {
		series.push(byMonth.get(month) ?? { month, currency, net_cents: 0, paid: 0 });
	}
	return series.slice(-limit);
}
