// How far a petition is towards its goal, and the milestones on the way
// (a quarter, half, three quarters, the goal), for the goal bar.

export interface Milestone {
	/** Share of the goal, in per cent. */
	percent: number;
	/** Signatures at this milestone. */
	at: number;
	reached: boolean;
}

export const MILESTONE_PERCENTS = [25, 50, 75, 100] as const;

export function milestones(count: number, goal: number): Milestone[] {
	return MILESTONE_PERCENTS.map((percent) => {
		const at = Math.ceil((goal * percent) / 100);
		return { percent, at, reached: count >= at };
	});
}

/** Whole per cent of the goal reached, floored (99.9 % is not yet 100 %), never above 100. */
export function percentOf(count: number, goal: number): number {
	if (goal <= 0) return 0;
	return Math.min(100, Math.floor((count / goal) * 100));
}
