// The channel setup's "send test event": one synthetic activity marked `metadata.test`, written and counted like
// any delivery, so it proves the channel end to end without a provider.
import type { ChannelStore } from '../runtime/channels.js';
import { channelSettings } from '../runtime/channels.js';
import type { ActivityWriter, WriteResult } from '../runtime/writer.js';
import { ChannelNotFoundError } from '../shared/errors.js';
import { draftDefaults } from '../shared/node/providers/index.js';

export async function writeTestEvent(
	channels: ChannelStore,
	writer: ActivityWriter,
	channelId: string,
): Promise<WriteResult> {
	const channel = await channels.get(channelId);
	if (!channel) throw new ChannelNotFoundError('No such channel');
	const now = new Date();
	const draft = draftDefaults(channelSettings(channel), now);
	draft.subject = 'Test event from Activity Hub';
	draft.content = `Sent from the channel setup at ${now.toISOString()}. Safe to delete.`;
	draft.sender = 'test@activity-hub.invalid';
	draft.metadata = { test: true };
	const [result] = await writer.write(channel, [{ ...draft, fileIds: [] }]);
	return { ...result! };
}
