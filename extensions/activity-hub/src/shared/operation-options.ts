// The options the Complete and Fail activity operations share: which claimed activity, and the lease that proves
// this flow holds it, both usually filled from a Claim activities step's output.
const templated = (field: string, name: string, placeholder: string, note: string) => ({
	field,
	name,
	type: 'string' as const,
	meta: { width: 'half' as const, interface: 'input', required: true, options: { placeholder }, note },
});

export const ACTIVITY_OPTION = templated(
	'activity',
	'Activity id',
	'{{claim[0].id}}',
	'A template, not a fixed id: {{claim[0].id}} for the first activity a step with key "claim" leased, or {{$trigger.body.id}}.',
);

export const LEASE_TOKEN_OPTION = templated(
	'lease_token',
	'Lease token',
	'{{claim[0].lease_token}}',
	'The lease of the same activity: {{claim[0].lease_token}}. Only the claiming step ever sees it.',
);
