// Files uploaded from Studio or scripts (multipart): one activity per file. Optional form fields:
// type, direction, subject, sender, recipient, content.
import { isActivityType, isDirection } from '../../activity.js';
import { draftDefaults, fieldValue, IngestError, type ProviderAdapter, text } from './types.js';

export const upload: ProviderAdapter = {
	accepts: ['multipart'],
	verify() {},
	parse(request, channel, now) {
		if (request.files.length === 0) throw new IngestError(422, 'NO_FILES', 'Upload at least one file');
		const get = (name: string) => fieldValue(request.fields, name);
		const type = get('type');
		const direction = get('direction');
		if (type !== undefined && !isActivityType(type))
			throw new IngestError(422, 'INVALID_FIELDS', 'type is not an activity type');
		if (direction !== undefined && !isDirection(direction))
			throw new IngestError(422, 'INVALID_FIELDS', 'direction must be inbound or outbound');
		return {
			activities: request.files.map((file) => {
				const draft = draftDefaults(channel, now);
				draft.type = type ?? (channel.defaultType === 'note' ? 'file' : channel.defaultType);
				draft.direction = direction ?? channel.defaultDirection;
				draft.subject = text(get('subject'), 1000) ?? file.filename;
				draft.content = text(get('content'));
				draft.sender = text(get('sender'), 320);
				draft.recipient = text(get('recipient'), 2000);
				draft.files = [file];
				draft.payload = { file: { name: file.filename, type: file.type, size: file.size } };
				return draft;
			}),
		};
	},
};
