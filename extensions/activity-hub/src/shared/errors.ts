// The bundle's one error model. Every refusal the bundle raises (the /ingest webhooks, the /activity-hub API, the
// lifecycle filters) is a HubError: a stable code, an HTTP status and a message that never carries database text.
// Errors with a fixed status and message are defined once below, in the style of Directus's
// createError(code, message, status); errorReply() is the one mapping from any error to the JSON reply Directus
// itself uses: { errors: [{ message, extensions: { code } }] }. A HubError is also a Directus error by shape (its
// name, code, status, extensions), so one thrown where Directus answers (a filter hook) gets that same reply.

export class HubError extends Error {
	/** How Directus's error handler (isDirectusError) recognises errors it renders as `{ errors: [...] }`. */
	override name = 'DirectusError';

	constructor(
		public status: number,
		public code: string,
		message: string,
		/** More for the client, next to the code (as Directus's errors carry them). */
		public extensions?: Record<string, unknown>,
	) {
		super(message);
	}
}

/** A HubError subclass with a fixed code and status, and a default message (Directus's createError, our shape). */
export function createHubError(code: string, defaultMessage: string, status: number) {
	return class extends HubError {
		constructor(message: string = defaultMessage) {
			super(status, code, message);
		}
	};
}

export const InvalidPayloadError = createHubError('INVALID_PAYLOAD', 'Invalid payload', 400);
export const UnauthenticatedError = createHubError('UNAUTHENTICATED', 'Log in or send a token', 401);
export const ForbiddenError = createHubError('FORBIDDEN', 'You may not do this', 403);
export const NotFoundError = createHubError('NOT_FOUND', 'Not found', 404);
export const NotFailedError = createHubError('NOT_FAILED', 'Only failed activities can be retried', 409);
export const ContactLeasedError = createHubError(
	'CONTACT_LEASED',
	'An activity of this contact is being processed (leased); try again once its lease ends',
	409,
);
export const ConfirmationRequiredError = createHubError('CONFIRMATION_REQUIRED', 'Send { "confirm": true }', 400);
export const NoContactError = createHubError('NO_CONTACT', 'Link the activity to a contact first', 422);
export const NotAnUploadChannelError = createHubError(
	'NOT_AN_UPLOAD_CHANNEL',
	'Files can be uploaded only into channels whose provider is "upload"',
	422,
);
export const NotAMailboxChannelError = createHubError(
	'NOT_A_MAILBOX_CHANNEL',
	'Only mailbox channels (provider "imap") are synced',
	422,
);
export const ChannelNotFoundError = createHubError('CHANNEL_NOT_FOUND', 'Unknown or disabled channel', 404);
export const RateLimitedError = createHubError('RATE_LIMITED', 'Too many requests for this channel', 429);
export const InternalError = createHubError('INTERNAL', 'The activity could not be stored; retry later', 500);

/** A channel's write-only secrets were refused (thrown by the lifecycle filter, answered by Directus). */
export class InvalidSecretsError extends InvalidPayloadError {
	constructor(reason: string) {
		super(`Invalid secrets: ${reason}`);
		this.extensions = { reason };
	}
}

/** The lease expired or belongs to another worker (the queue's fencing refused the transition). */
export class LeaseLost extends createHubError(
	'LEASE_LOST',
	'The lease expired or belongs to another worker; nothing was changed',
	409,
) {}

export interface ErrorBody {
	errors: Array<{ message: string; extensions: { code: string } & Record<string, unknown> }>;
}

/** Directus's error shape, for one code. */
export const errorBody = (code: string, message: string, extensions?: Record<string, unknown>): ErrorBody => ({
	errors: [{ message, extensions: { ...extensions, code } }],
});

/** The reply for an error the bundle raised itself; null for anything else (the caller logs it or passes it on). */
export function errorReply(error: unknown): { status: number; body: ErrorBody } | null {
	if (!(error instanceof HubError)) return null;
	return { status: error.status, body: errorBody(error.code, error.message, error.extensions) };
}

/** A free-form WhatsApp reply outside the 24-hour customer-service window (a template may still be sent). */
export const WhatsAppWindowClosedError = createHubError(
	'WHATSAPP_WINDOW_CLOSED',
	'The 24-hour WhatsApp window is closed: send a template',
	422,
);
/** The channel cannot send (no sender for its provider, or its settings or secrets are missing). */
export const ChannelCannotSendError = createHubError('CHANNEL_CANNOT_SEND', 'This channel cannot send messages', 422);
/** Retry or Mark as sent on a message that is not failed or unknown. */
export const NotResolvableError = createHubError(
	'NOT_RESOLVABLE',
	'Only failed or unknown outbound messages can be retried or marked as sent',
	409,
);
