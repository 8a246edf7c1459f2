import { error } from '@sveltejs/kit';
import { emailSettings } from './settings.ts';

/** The mail viewer exists only while nothing is sent: with a Resend key it is a 404. */
export function requireMailViewer(): void {
	if (emailSettings.sending) error(404, 'Not found');
}
