import { must, serviceDb } from '../db.ts';

// Petitions. The campaigns issue builds signing and the public pages; the CRM
// needs only to name them (the "signed petition X" filter).

export interface PetitionChoice {
	id: string;
	title: string;
	status: 'draft' | 'published' | 'closed';
}

/** Every petition, newest first, for choosing one in a filter. */
export async function listForFilter(): Promise<PetitionChoice[]> {
	return must(
		await serviceDb()
			.from('petitions')
			.select('id, title, status')
			.order('created_at', { ascending: false })
			.limit(500)
	) as PetitionChoice[];
}
