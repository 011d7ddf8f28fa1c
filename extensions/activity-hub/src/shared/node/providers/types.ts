import type { ActivityType, DeliveryStatus, Direction, Provider } from '../../activity.js';
import { parseJson } from './input-guards.js';

/** A file the ingest glue already stored in Directus Files (streamed, sniffed, under a generated name). */
export interface StoredFile {
	id: string;
	field: string;
	filename: string;
	type: string;
	size: number;
}

/** An attachment carried inside the body (Postmark base64); the glue stores it and links it. */
export interface InlineFile {
	filename: string;
	type: string;
	content: Buffer;
}

/** Everything an adapter may look at. Built by the glue; adapters never touch Express or Directus. */
export interface IngestRequest {
	method: 'GET' | 'POST';
	/** The URL the provider called, rebuilt from the configured public URL (Twilio signs it). */
	publicUrl: string;
	headers: Record<string, string | undefined>;
	query: Record<string, string>;
	contentType: string;
	rawBody: Buffer;
	/** Ordered fields of a form or multipart body (repeated keys kept). */
	fields: Array<[string, string]>;
	files: StoredFile[];
}

export interface ChannelSettings {
	provider: Provider;
	defaultType: ActivityType;
	defaultDirection: Direction;
	secrets: ChannelSecrets;
}

export interface ChannelSecrets {
	auth_token?: string | null;
	signing_key?: string | null;
	app_secret?: string | null;
	verify_token?: string | null;
	access_token?: string | null;
	webhook_secret?: string | null;
	/** A mailbox channel's login password (IMAP). */
	password?: string | null;
	/** Twilio's account SID, with auth_token the credentials of replies by SMS. */
	account_sid?: string | null;
}

export interface ActivityDraft {
	type: ActivityType;
	direction: Direction;
	external_id: string | null;
	subject: string | null;
	content: string | null;
	sender: string | null;
	recipient: string | null;
	occurred_at: Date;
	payload: Record<string, unknown>;
	metadata: Record<string, unknown>;
	/** Stored files (by id) and inline files to store, both linked as attachments. */
	files: StoredFile[];
	inlineFiles: InlineFile[];
	/** Remote media to fetch into Directus Files in the background. */
	media: Array<{ url: string; contentType?: string }>;
	/** E-mail: the normalised RFC 5322 Message-ID, one activity per message across channels (shared/threads.ts). */
	message_id?: string | null;
	/** The conversation: an e-mail's thread, an SMS/WhatsApp counterparty's (the writer derives the latter). */
	thread_key?: string | null;
}

export interface AdapterResult {
	activities: ActivityDraft[];
	/** A provider-specific success reply (Twilio wants TwiML); default is our JSON. */
	reply?: { contentType: string; body: string };
	/** Status callbacks of outbound messages, by the provider's message id: they update, never create. */
	deliveries?: DeliveryUpdate[];
}

export interface DeliveryUpdate {
	providerId: string;
	status: DeliveryStatus;
	error: string | null;
}

export interface ProviderAdapter {
	/** Which content types the provider sends (others get 415). */
	accepts: Array<'json' | 'form' | 'multipart'>;
	/** Status used for permanent rejects so the provider stops retrying (Postmark 403, Mailgun 406). */
	permanentRejectStatus?: number;
	verify(request: IngestRequest, channel: ChannelSettings, now: Date): void;
	parse(request: IngestRequest, channel: ChannelSettings, now: Date): AdapterResult;
}

/** A client mistake, mapped to a 4xx reply with a stable code (the bundle's one error class, shared/errors.ts). */
export { HubError as IngestError } from '../../errors.js';

export const fieldValue = (fields: Array<[string, string]>, name: string): string | undefined =>
	fields.find(([key]) => key === name)?.[1];

export function jsonBody(request: IngestRequest): unknown {
	return parseJson(request.rawBody);
}

export const draftDefaults = (channel: ChannelSettings, now: Date): ActivityDraft => ({
	type: channel.defaultType,
	direction: channel.defaultDirection,
	external_id: null,
	subject: null,
	content: null,
	sender: null,
	recipient: null,
	occurred_at: now,
	payload: {},
	metadata: {},
	files: [],
	inlineFiles: [],
	media: [],
	message_id: null,
	thread_key: null,
});

/** Parse a provider timestamp; fall back to `now` for missing or unreadable values. */
export function toDate(value: unknown, now: Date): Date {
	if (value == null || value === '') return now;
	const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
	return Number.isNaN(date.getTime()) ? now : date;
}

export const text = (value: unknown, max = 100_000): string | null =>
	typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null;
