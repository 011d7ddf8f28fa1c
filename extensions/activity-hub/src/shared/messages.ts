// Every string the Studio UI shows, in one catalogue per language: adding a locale is adding one object.
// Components call translate(key, vars); the locale is Studio's (the signed-in user's language, set through
// useStudioLocale), falling back to English for a language or a string a catalogue lacks.

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
	// timeline
	type_email: 'E-mail',
	type_call: 'Call',
	type_sms: 'SMS',
	type_whatsapp: 'WhatsApp',
	type_meeting: 'Meeting',
	type_file: 'File',
	type_note: 'Note',
	type_other: 'Other',
	direction_inbound: 'Inbound',
	direction_outbound: 'Outbound',
	match_matched: 'Matched',
	match_unmatched: 'Unmatched',
	match_ambiguous: 'Ambiguous',
	callDuration: 'Call length {duration}',
	openNote: 'Open note',
	fromActivity: 'From {activity}',
	editNote: 'Edit',
	deleteNote: 'Delete',
	saveNote: 'Save',
	deleteNoteTitle: 'Delete this note?',
	deleteNoteText: 'It is removed for everyone and cannot be restored.',
	findContact: 'Find a contact by name, e-mail or phone',
	noContactFound: 'No contact found',
	addAddress: 'Also add {address} to the contact',
	uploadContact: 'Contact of these uploads (optional)',
	linkToName: 'Link to {name}',
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
	// states
	loading: 'Loading…',
	reconnecting: 'Offline — reconnecting…',
	notesUnavailable: 'Notes could not be loaded.',
	rotateConfirmTitle: 'Rotate the ingestion key?',
	rotateConfirmText:
		'The current key stops working at once: every provider or integration still sending it gets 401 until you paste the new URL there.',
	keyNeededToCopy: 'Generate or rotate the key to copy a URL that works; the key is shown only once.',
	// channel setup, insights, operations
	noKeyYet: 'No key yet: generate one, then paste the URL into the provider.',
	deleteTests: 'Delete test events',
	testsDeleted: '{n} test event(s) deleted.',
	testsOutOfQueue: 'Test events are stored completed: no agent or flow works them.',
	limits: 'Limits',
	maxRequest: 'Per request',
	maxFile: 'Per file',
	maxFiles: 'Files per request',
	configured: 'configured',
	notSet: 'not set',
	secretUpdated: 'changed {when}',
	keepSecret: 'Set — type to replace',
	noChannel: 'no channel',
	noSubject: '(no subject)',
	// refusal log
	refusals: 'Refused requests',
	refusalsNone: 'No refused requests kept.',
	refusalsHint:
		'The last refused requests, kept {days} days and {cap} per channel: time, status, reason, address and size — never a body, key or signature.',
	refusalWhen: 'When',
	refusalStatus: 'Status',
	refusalReason: 'Reason',
	refusalFrom: 'From',
	refusalSize: 'Size',
	// bulk actions
	select: 'Select',
	selectShown: 'Select all shown',
	selectedCount: '{n} selected',
	clearSelection: 'Clear selection',
	selectActivity: 'Select this activity',
	bulkAction: 'Action',
	requeue: 'Requeue',
	preview: 'Preview',
	previewCount: '{count} of {n} selected can be changed; the others are skipped.',
	runBulk: 'Run on {count}',
	bulkRunning: 'Running in batches…',
	bulkDone: '{ok} done, {skipped} skipped, {failed} failed.',
	bulkCancelled: 'Cancelled after {n}.',
	bulkNeedsContact: 'Pick the contact to link them to.',
} as const;

export type MessageKey = keyof typeof en;

const de: Record<MessageKey, string> = {
	activityTimeline: 'Aktivitäten',
	notes: 'Notizen',
	saveFirst: 'Speichern Sie den Kontakt, um seine Zeitleiste zu sehen.',
	noActivities: 'Noch keine Aktivitäten.',
	noMatches: 'Keine Aktivitäten passen zu diesen Filtern.',
	noNotes: 'Noch keine Notizen.',
	loadMore: 'Mehr laden',
	search: 'Betreff, Inhalt, Absender durchsuchen',
	allTypes: 'Alle Arten',
	allStatuses: 'Alle Status',
	allChannels: 'Alle Kanäle',
	status_raw: 'In Warteschlange',
	status_processing: 'In Bearbeitung',
	status_completed: 'Erledigt',
	status_failed: 'Fehlgeschlagen',
	heldBy: 'bearbeitet von {owner}',
	attempt: 'Versuch {n}',
	retry: 'Erneut versuchen',
	toNote: 'In Notiz umwandeln',
	link: 'Mit Kontakt verknüpfen',
	unmatched: 'Kein Kontakt passt zum Absender',
	ambiguous: 'Mehrere Kontakte passen zum Absender',
	summary: 'Zusammenfassung',
	facts: 'Fakten',
	transcript: 'Transkript',
	attachments: 'Anhänge',
	agent: 'Agent',
	person: 'Person',
	writeNote: 'Notiz schreiben…',
	addNote: 'Notiz hinzufügen',
	newActivities: '{n} neue Aktivitäten',
	test: 'Test',
	// timeline
	type_email: 'E-Mail',
	type_call: 'Anruf',
	type_sms: 'SMS',
	type_whatsapp: 'WhatsApp',
	type_meeting: 'Termin',
	type_file: 'Datei',
	type_note: 'Notiz',
	type_other: 'Sonstiges',
	direction_inbound: 'Eingehend',
	direction_outbound: 'Ausgehend',
	match_matched: 'Zugeordnet',
	match_unmatched: 'Nicht zugeordnet',
	match_ambiguous: 'Mehrdeutig',
	callDuration: 'Gesprächsdauer {duration}',
	openNote: 'Notiz öffnen',
	fromActivity: 'Aus {activity}',
	editNote: 'Bearbeiten',
	deleteNote: 'Löschen',
	saveNote: 'Speichern',
	deleteNoteTitle: 'Diese Notiz löschen?',
	deleteNoteText: 'Sie wird für alle entfernt und kann nicht wiederhergestellt werden.',
	findContact: 'Kontakt nach Name, E-Mail oder Telefon suchen',
	noContactFound: 'Kein Kontakt gefunden',
	addAddress: '{address} auch beim Kontakt hinterlegen',
	uploadContact: 'Kontakt dieser Uploads (optional)',
	linkToName: 'Mit {name} verknüpfen',
	saveChannelFirst: 'Speichern Sie den Kanal und erzeugen Sie dann seinen Schlüssel.',
	webhookUrl: 'Webhook-URL',
	copy: 'Kopieren',
	copied: 'Kopiert',
	generateKey: 'Schlüssel erzeugen',
	rotateKey: 'Schlüssel erneuern',
	currentKey: 'Der aktuelle Schlüssel beginnt mit {prefix}…; Erneuern ersetzt ihn sofort.',
	keyShownOnce: 'Nur einmal angezeigt: jetzt kopieren. Die URL oben enthält ihn, bis Sie diese Seite verlassen.',
	setUp: '{provider} einrichten',
	lastReceived: 'Zuletzt empfangen',
	never: 'nie',
	received: 'Empfangen',
	duplicates: 'Duplikate',
	rejected: 'Abgewiesen',
	sendTest: 'Testereignis senden',
	testStored: 'Testaktivität {id} gespeichert ({status}).',
	secretsHint: 'Geheimnisse des Anbieters (nur schreibbar, verschlüsselt gespeichert; leer lassen, um sie zu behalten)',
	clipboardRefused: 'Der Browser hat den Zugriff auf die Zwischenablage verweigert: Text markieren und kopieren.',
	dropFiles: 'Dateien hier ablegen oder auswählen – bis {size} je Datei',
	uploadLabel: 'Dateien in diesen Kanal hochladen (bis {size} je Datei)',
	uploaded: 'Hochgeladen',
	cancelled: 'Abgebrochen',
	cancel: 'Abbrechen',
	progressOf: 'Fortschritt von {name}',
	queued: 'In Warteschlange',
	processing: 'In Bearbeitung',
	failed: 'Fehlgeschlagen',
	oldestQueued: 'Älteste wartende',
	perMinute: 'Pro Minute',
	doneLastHour: 'Erledigt (letzte Stunde)',
	recentFailures: 'Letzte Fehler',
	afterAttempts: 'nach {n} Versuch(en), {when}',
	none: 'Keine',
	loading: 'Wird geladen…',
	reconnecting: 'Offline – Verbindung wird wiederhergestellt…',
	notesUnavailable: 'Notizen konnten nicht geladen werden.',
	rotateConfirmTitle: 'Aufnahmeschlüssel erneuern?',
	rotateConfirmText:
		'Der aktuelle Schlüssel ist sofort ungültig: Jeder Anbieter und jede Integration, die ihn noch sendet, erhält 401, bis Sie dort die neue URL eintragen.',
	keyNeededToCopy:
		'Erzeugen oder erneuern Sie den Schlüssel, um eine funktionierende URL zu kopieren; er wird nur einmal angezeigt.',
	// channel setup, insights, operations
	noKeyYet: 'Noch kein Schlüssel: Erzeugen Sie einen und tragen Sie die URL beim Anbieter ein.',
	deleteTests: 'Testereignisse löschen',
	testsDeleted: '{n} Testereignis(se) gelöscht.',
	testsOutOfQueue: 'Testereignisse werden als erledigt gespeichert: Kein Agent und kein Flow bearbeitet sie.',
	limits: 'Grenzen',
	maxRequest: 'Je Anfrage',
	maxFile: 'Je Datei',
	maxFiles: 'Dateien je Anfrage',
	configured: 'hinterlegt',
	notSet: 'nicht gesetzt',
	secretUpdated: 'geändert {when}',
	keepSecret: 'Gesetzt – zum Ersetzen eintippen',
	noChannel: 'kein Kanal',
	noSubject: '(kein Betreff)',
	refusals: 'Abgewiesene Anfragen',
	refusalsNone: 'Keine abgewiesenen Anfragen gespeichert.',
	refusalsHint:
		'Die letzten abgewiesenen Anfragen, {days} Tage und {cap} je Kanal aufbewahrt: Zeit, Status, Grund, Adresse und Größe – nie ein Inhalt, Schlüssel oder eine Signatur.',
	refusalWhen: 'Wann',
	refusalStatus: 'Status',
	refusalReason: 'Grund',
	refusalFrom: 'Von',
	refusalSize: 'Größe',
	select: 'Auswählen',
	selectShown: 'Alle angezeigten auswählen',
	selectedCount: '{n} ausgewählt',
	clearSelection: 'Auswahl aufheben',
	selectActivity: 'Diese Aktivität auswählen',
	bulkAction: 'Aktion',
	requeue: 'Erneut einreihen',
	preview: 'Vorschau',
	previewCount: '{count} von {n} ausgewählten können geändert werden; die übrigen werden übersprungen.',
	runBulk: 'Für {count} ausführen',
	bulkRunning: 'Läuft in Stapeln…',
	bulkDone: '{ok} erledigt, {skipped} übersprungen, {failed} fehlgeschlagen.',
	bulkCancelled: 'Nach {n} abgebrochen.',
	bulkNeedsContact: 'Wählen Sie den Kontakt, mit dem sie verknüpft werden.',
};

export const catalogues: Record<string, Partial<Record<MessageKey, string>>> = { en, de };

let studioLocale: string | null = null;

/** Studio's language (e.g. `de-DE`), as useStudioLocale reads it from the app. */
export const setLocale = (locale: string | null) => void (studioLocale = locale);

/** The UI string for `key` in `locale` (falling back to English), with `{name}` placeholders filled in. */
export function translate(key: MessageKey, vars: Record<string, string | number> = {}, locale = pageLocale()): string {
	const template = catalogues[locale.split('-')[0] ?? 'en']?.[key] ?? en[key];
	return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Fields whose values have one label each, the same in the timeline, Studio's lists (z0009) and the panels. */
export type LabelledField = 'type' | 'direction' | 'status' | 'match';

/** The label of a field value (`sms` → SMS, `raw` → Queued), the value itself when the catalogue has none. */
export function valueLabel(field: LabelledField, value: unknown, locale = pageLocale()): string {
	const key = `${field}_${String(value)}`;
	return key in en ? translate(key as MessageKey, {}, locale) : String(value ?? '');
}

/** The language the UI speaks now (for dates and numbers too). */
export const uiLocale = () => pageLocale();

function pageLocale(): string {
	return studioLocale || (typeof document !== 'undefined' && document.documentElement.lang) || 'en';
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
