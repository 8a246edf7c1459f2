import type { DonationSettingsFields, LadderAmountFields } from '#lib/schemas/donation-admin.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';

// Admins change what the donation form offers and what receipts print. Each save
// is one SQL function that writes the audit log with what it was and became.

/**
 * Saves the donation settings (amounts, fee rule, the charity's registered
 * details). Receipts stay samples until the registration number, address, place
 * of issue and signatory are all set.
 */
export async function saveSettings(
	actor: { id: string },
	fields: DonationSettingsFields,
	ip: string
): Promise<void> {
	must(
		await serviceDb().rpc('donation_settings_save', {
			p_actor: actor.id,
			p_fields: fields,
			p_ip: ip
		})
	);
}

export type AmountSaveResult =
	{ ok: true; id: string } | { ok: false; reason: 'amount_taken' | 'not_found' };

/**
 * Adds (id null) or saves an amount of the ladder. An amount its frequency already
 * has is refused ('amount_taken'); making one the default unsets the other.
 */
export async function saveAmount(
	actor: { id: string },
	id: string | null,
	fields: LadderAmountFields,
	ip: string
): Promise<AmountSaveResult> {
	const { data, error } = await serviceDb().rpc('donation_amount_save', {
		p_actor: actor.id,
		p_id: id,
		p_fields: fields,
		p_ip: ip
	});
	if (error?.message === 'amount_taken') return { ok: false, reason: 'amount_taken' };
	if (error?.message === 'not_found') return { ok: false, reason: 'not_found' };
	if (error) throw new DatabaseError(error.message, error.code);
	return { ok: true, id: data as string };
}

/** Removes an amount of the ladder; false when it was already gone. */
export async function deleteAmount(
	actor: { id: string },
	id: string,
	ip: string
): Promise<boolean> {
	return Boolean(
		must(await serviceDb().rpc('donation_amount_delete', { p_actor: actor.id, p_id: id, p_ip: ip }))
	);
}
