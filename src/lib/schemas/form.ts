import * as v from 'valibot';

export type FieldErrors = Partial<Record<string, [string, ...string[]]>>;

/**
 * Reads a submitted form with its schema: the typed values, or each field's
 * messages (to show next to the field) and what was typed (to show again).
 */
export function parseForm<Schema extends v.GenericSchema>(
	schema: Schema,
	formData: FormData
):
	| { ok: true; output: v.InferOutput<Schema>; values: Record<string, string> }
	| { ok: false; errors: FieldErrors; values: Record<string, string> } {
	const values = Object.fromEntries(
		[...formData.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : ''])
	);
	const parsed = v.safeParse(schema, values);
	if (parsed.success) return { ok: true, output: parsed.output, values };
	return { ok: false, errors: (v.flatten(parsed.issues).nested ?? {}) as FieldErrors, values };
}
