import { describe, expect, it } from 'vitest';
import {
	ChannelNotFoundError,
	errorBody,
	errorReply,
	ForbiddenError,
	HubError,
	InternalError,
	InvalidPayloadError,
	InvalidSecretsError,
	LeaseLost,
	NoContactError,
	NotAnUploadChannelError,
	NotFailedError,
	NotFoundError,
	RateLimitedError,
	UnauthenticatedError,
} from './errors.js';

const body = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

describe('errorReply', () => {
	it.each([
		[
			'a defined error with its message',
			new InvalidPayloadError('limit is wrong'),
			400,
			'INVALID_PAYLOAD',
			'limit is wrong',
		],
		[
			'a defined error with the default message',
			new UnauthenticatedError(),
			401,
			'UNAUTHENTICATED',
			'Log in or send a token',
		],
		['forbidden', new ForbiddenError('Administrators only'), 403, 'FORBIDDEN', 'Administrators only'],
		['not found', new NotFoundError('No such activity'), 404, 'NOT_FOUND', 'No such activity'],
		['an unknown channel', new ChannelNotFoundError(), 404, 'CHANNEL_NOT_FOUND', 'Unknown or disabled channel'],
		[
			'a lost lease',
			new LeaseLost(),
			409,
			'LEASE_LOST',
			'The lease expired or belongs to another worker; nothing was changed',
		],
		['a retry of a live activity', new NotFailedError(), 409, 'NOT_FAILED', 'Only failed activities can be retried'],
		['a note without contact', new NoContactError(), 422, 'NO_CONTACT', 'Link the activity to a contact first'],
		[
			'an upload into another channel',
			new NotAnUploadChannelError(),
			422,
			'NOT_AN_UPLOAD_CHANNEL',
			'Files can be uploaded only into channels whose provider is "upload"',
		],
		['a rate limit', new RateLimitedError(), 429, 'RATE_LIMITED', 'Too many requests for this channel'],
		['our own failure', new InternalError(), 500, 'INTERNAL', 'The activity could not be stored; retry later'],
		[
			'an ingest error with a provider status',
			new HubError(406, 'SIGNATURE_INVALID', 'Bad'),
			406,
			'SIGNATURE_INVALID',
			'Bad',
		],
	])('answers %s', (_, error, status, code, message) => {
		expect(error).toBeInstanceOf(HubError);
		expect(errorReply(error)).toEqual({ status, body: body(code, message) });
	});

	it.each([
		['a plain Error', new Error('database text')],
		['a string', 'boom'],
		['null', null],
		['a look-alike object', { status: 400, code: 'INVALID_PAYLOAD', message: 'x' }],
	])('leaves %s to the caller', (_, error) => expect(errorReply(error)).toBeNull());

	it('carries extensions next to the code, as Directus does', () =>
		expect(errorReply(new InvalidSecretsError('secrets must be an object'))).toEqual({
			status: 400,
			body: {
				errors: [
					{
						message: 'Invalid secrets: secrets must be an object',
						extensions: { reason: 'secrets must be an object', code: 'INVALID_PAYLOAD' },
					},
				],
			},
		}));

	it('is a Directus error by shape, so Directus answers it the same way where it is thrown in a hook', () => {
		const error = new InvalidSecretsError('x');
		expect(error).toMatchObject({ name: 'DirectusError', code: 'INVALID_PAYLOAD', status: 400 });
		expect(error).toBeInstanceOf(InvalidPayloadError);
	});

	it('keeps instanceof per defined error', () => {
		const lost = new LeaseLost();
		expect(lost).toBeInstanceOf(LeaseLost);
		expect(lost).not.toBeInstanceOf(NotFoundError);
		expect(new NotFoundError()).not.toBeInstanceOf(LeaseLost);
	});

	it('builds the body Directus uses', () =>
		expect(errorBody('ACTIVITY_HUB_NOT_READY', 'Installing')).toEqual(body('ACTIVITY_HUB_NOT_READY', 'Installing')));
});
