// SendGrid Inbound Parse (multipart). No signature exists for Inbound Parse: the key in the URL (or Basic auth)
// is the protection. Message-ID is read from the raw `headers` field.
import { emailIds, messageIdFromRawHeaders, rawHeadersLookup } from './email-headers.js';
import { draftDefaults, fieldValue, IngestError, type ProviderAdapter, text } from './types.js';

export const sendgrid: ProviderAdapter = {
	accepts: ['multipart', 'form'],
	verify() {},
	parse(request, channel, now) {
		const get = (name: string) => fieldValue(request.fields, name);
		let envelope: { from?: string; to?: string[] } = {};

		try {
			envelope = JSON.parse(get('envelope') ?? '{}');
		} catch {
			throw new IngestError(400, 'INVALID_FIELDS', 'envelope is not valid JSON');
		}

		const from = get('from') ?? envelope.from;
		if (!from) throw new IngestError(422, 'INVALID_FIELDS', 'SendGrid post needs from');
		const draft = draftDefaults(channel, now);
		draft.type = 'email';
		draft.external_id = messageIdFromRawHeaders(get('headers'));
		Object.assign(draft, emailIds(rawHeadersLookup(get('headers'))));
		draft.sender = from;
		draft.recipient = get('to') ?? envelope.to?.join(', ') ?? null;
		draft.subject = text(get('subject'), 1000);
		draft.content = text(get('text'));
		draft.files = request.files;
		draft.payload = Object.fromEntries(request.fields);
		draft.metadata = { message_id: draft.external_id, html: text(get('html')), spam_score: get('spam_score') ?? null };
		return { activities: [draft] };
	},
};
