import { must, serviceDb } from '../db.ts';
import type { FeeRule, Frequency } from '#lib/donations/money.ts';

/** What the donation form offers, as staff set it (/admin/donations/settings). */
export interface DonationSettings {
	currency: string;
	minCents: number;
	maxCents: number;
	fee: FeeRule;
	charity: {
		legalName: string;
		address: string | null;
		registrationNumber: string | null;
		receiptLocation: string | null;
		signatoryName: string | null;
		signatoryTitle: string | null;
	};
	/** Receipts are samples until every registered detail is set. */
	receiptsOfficial: boolean;
}

export interface LadderAmount {
	id: string;
	frequency: Frequency;
	amountCents: number;
	position: number;
	isDefault: boolean;
	impact: { en: string; fr: string };
}

interface SettingsRow {
	currency: string;
	min_cents: number;
	max_cents: number;
	fee_percent_bp: number;
	fee_fixed_cents: number;
	charity_legal_name: string;
	charity_address: string | null;
	registration_number: string | null;
	receipt_location: string | null;
	signatory_name: string | null;
	signatory_title: string | null;
}

export async function donationSettings(): Promise<DonationSettings> {
	const row = must(await serviceDb().from('donation_settings').select('*').single()) as SettingsRow;
	const charity = {
		legalName: row.charity_legal_name,
		address: row.charity_address,
		registrationNumber: row.registration_number,
		receiptLocation: row.receipt_location,
		signatoryName: row.signatory_name,
		signatoryTitle: row.signatory_title
	};
	return {
		currency: row.currency,
		minCents: Number(row.min_cents),
		maxCents: Number(row.max_cents),
		fee: { percentBp: row.fee_percent_bp, fixedCents: row.fee_fixed_cents },
		charity,
		receiptsOfficial: Boolean(
			charity.address &&
			charity.registrationNumber &&
			charity.receiptLocation &&
			charity.signatoryName
		)
	};
}

/** The suggested amounts, in their order, for both frequencies. */
export async function ladder(): Promise<LadderAmount[]> {
	const rows = must(
		await serviceDb()
			.from('donation_amounts')
			.select('id, frequency, amount_cents, position, is_default, impact_en, impact_fr')
			.order('frequency')
			.order('position')
			.order('amount_cents')
	) as {
		id: string;
		frequency: Frequency;
		amount_cents: number;
		position: number;
		is_default: boolean;
		impact_en: string;
		impact_fr: string;
	}[];
	return rows.map((row) => ({
		id: row.id,
		frequency: row.frequency,
		amountCents: Number(row.amount_cents),
		position: row.position,
		isDefault: row.is_default,
		impact: { en: row.impact_en, fr: row.impact_fr }
	}));
}
