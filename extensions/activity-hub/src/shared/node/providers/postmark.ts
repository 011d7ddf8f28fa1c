// Postmark inbound JSON. Postmark has no HMAC: the key comes as Basic auth in the URL
// (https://anything:KEY@host/ingest/:id). Permanent rejects answer 403 so Postmark stops retrying.
import { emailIds, namedHeadersLookup } from './email-headers.js';
import { draftDefaults, IngestError, jsonBody, type ProviderAdapter, text, toDate } from './types.js';

interface Address {
	Email?: string;
	Name?: string;
}
const list = (value: unknown): Address[] => (Array.isArray(value) ? (value as Address[]) : []);

const formatAddress = (address: Address) =>
	address.Name ? `${address.Name} <${address.Email}>` : (address.Email ?? '');

export const postmark: ProviderAdapter = {
	accepts: ['json'],
	permanentRejectStatus: 403,
	verify() {},
	parse(request, channel, now) {
		const body = jsonBody(request) as Record<string, unknown> | null;
		if (!body || typeof body !== 'object' || Array.isArray(body))
			throw new IngestError(403, 'INVALID_FIELDS', 'Body must be a Postmark inbound JSON object');
		const messageId = text(body['MessageID'], 255);
		const from = (body['FromFull'] as Address | undefined)?.Email ?? text(body['From'], 320);
		if (!messageId || !from)
			throw new IngestError(403, 'INVALID_FIELDS', 'Postmark inbound JSON needs MessageID and From');
		const draft = draftDefaults(channel, now);
		draft.type = 'email';
		draft.external_id = messageId;
		draft.sender = from;

		draft.recipient =
			list(body['ToFull'])
				.map((a) => a.Email)
				.filter(Boolean)
				.join(', ') || text(body['To'], 2000);

		Object.assign(draft, emailIds(namedHeadersLookup(body['Headers'])));
		draft.subject = text(body['Subject'], 1000);
		draft.content = text(body['StrippedTextReply']) ?? text(body['TextBody']) ?? null;
		draft.occurred_at = toDate(body['Date'], now);
		const attachments = Array.isArray(body['Attachments']) ? (body['Attachments'] as Record<string, unknown>[]) : [];

		for (const attachment of attachments) {
			if (typeof attachment?.['Content'] !== 'string')
				throw new IngestError(403, 'INVALID_FIELDS', 'Attachment without base64 Content');

			draft.inlineFiles.push({
				filename: String(attachment['Name'] ?? 'attachment'),
				type: String(attachment['ContentType'] ?? 'application/octet-stream'),
				content: Buffer.from(attachment['Content'] as string, 'base64'),
			});
		}

		const { Attachments: _dropped, ...rest } = body;

		draft.payload = {
			...rest,
			attachments: attachments.map((a) => ({
				name: a['Name'],
				content_type: a['ContentType'],
				length: a['ContentLength'],
			})),
		};

		draft.metadata = {
			message_id: messageId,
			from_name: (body['FromFull'] as Address | undefined)?.Name ?? null,
			cc: list(body['CcFull']).map(formatAddress),
			mailbox_hash: body['MailboxHash'] ?? null,
			html: text(body['HtmlBody']),
		};

		return { activities: [draft] };
	},
};
