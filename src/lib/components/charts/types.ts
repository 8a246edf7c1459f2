/** One bar: a value (low = high), or a range as the source gives it (15–30 %). */
export interface ChartDatum {
	label: string;
	low: number;
	high: number;
	/** A draft value shown only in the admin preview. */
	draft?: boolean;
}
