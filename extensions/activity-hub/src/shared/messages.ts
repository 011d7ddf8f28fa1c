// Every string the Studio UI shows, in one catalogue per language: adding a locale is adding one object.
// Components call translate(key, vars); the locale follows the page's language, falling back to English.

const en = {
	activityTimeline: 'Activity timeline',
	notes: 'Notes',
	saveFirst: 'Save the contact to see its timeline.',
	noActivities: 'No activities yet.',
	noMatches: 'No activities match these filters.',
	noNotes: 'No notes yet.',
	loadMore: 'Load more',
	search: 'Search subject, content, sender',
	allTypes: 'All types',
	allStatuses: 'All statuses',
	allChannels: 'All channels',
	status_raw: 'Queued',
	status_processing: 'Processing',
	status_completed: 'Completed',
	status_failed: 'Failed',
	heldBy: 'held by {owner}',
	attempt: 'attempt {n}',
	retry: 'Retry',
	toNote: 'Convert to note',
	link: 'Link to contact',
	linkTo: 'Link to #{id}',
	contactId: 'Contact id',
	unmatched: 'No contact matched the sender',
	ambiguous: 'Several contacts match the sender',
	summary: 'Summary',
	facts: 'Facts',
	transcript: 'Transcript',
	attachments: 'Attachments',
	agent: 'Agent',
	person: 'Person',
	writeNote: 'Write a note…',
	addNote: 'Add note',
	newActivities: '{n} new activities',
	test: 'test',
	// channel setup
	saveChannelFirst: 'Save the channel, then generate its key.',
	webhookUrl: 'Webhook URL',
	copy: 'Copy',
	copied: 'Copied',
	generateKey: 'Generate key',
	rotateKey: 'Rotate key',
	currentKey: 'Current key starts with {prefix}…; rotating replaces it at once.',
	keyShownOnce: 'Shown once: copy it now. The URL above includes it until you leave this page.',
	setUp: 'Set up {provider}',
	lastReceived: 'Last received',
	never: 'never',
	received: 'Received',
	duplicates: 'Duplicates',
	rejected: 'Rejected',
	sendTest: 'Send test event',
	testStored: 'Test activity {id} stored ({status}).',
	secretsHint: 'Provider secrets (write-only, stored encrypted; leave empty to keep)',
	clipboardRefused: 'The browser refused clipboard access: select the text and copy it.',
	// uploads
	dropFiles: 'Drop files here or choose them — up to {size} each',
	uploadLabel: 'Upload files into this channel (up to {size} each)',
	uploaded: 'Uploaded',
	cancelled: 'Cancelled',
	cancel: 'Cancel',
	progressOf: '{name} progress',
	// queue health
	queued: 'Queued',
	processing: 'Processing',
	failed: 'Failed',
	oldestQueued: 'Oldest queued',
	perMinute: 'Per minute',
	doneLastHour: 'Done last hour',
	recentFailures: 'Recent failures',
	afterAttempts: 'after {n} attempt(s), {when}',
	none: 'None',
} as const;

export type MessageKey = keyof typeof en;

const catalogues: Record<string, Partial<Record<MessageKey, string>>> = { en };

/** The UI string for `key` in `locale` (falling back to English), with `{name}` placeholders filled in. */
export function translate(key: MessageKey, vars: Record<string, string | number> = {}, locale = pageLocale()): string {
	const template = catalogues[locale.split('-')[0] ?? 'en']?.[key] ?? en[key];
	return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

function pageLocale(): string {
	return (typeof document !== 'undefined' && document.documentElement.lang) || 'en';
}

/** What went wrong with an API call, in the server's words when it gave any (Directus `{ errors: [{ message }] }`). */
export function errorMessage(error: unknown): string {
	const failure = error as {
		response?: { data?: { errors?: Array<{ message?: unknown }> } };
		message?: unknown;
	} | null;

	const message = failure?.response?.data?.errors?.[0]?.message;
	if (typeof message === 'string' && message) return message;
	return typeof failure?.message === 'string' ? failure.message : String(error);
}
