// The channel setup's test events: one synthetic activity marked `metadata.test`, written and counted like any
// delivery, so it proves the channel end to end without a provider. It is stored completed, never queued, so no
// agent or flow claims it; the setup deletes a channel's test events (and only those) on request.
import type { Knex } from 'knex';
import type { ChannelStore } from '../runtime/channels.js';
import { channelSettings } from '../runtime/channels.js';
import { parseJson } from '../runtime/context.js';
import type { ActivityWriter, WriteResult } from '../runtime/writer.js';
import { ChannelNotFoundError } from '../shared/errors.js';
import { draftDefaults } from '../shared/node/providers/index.js';
import { TEST_SENDER } from '../shared/activity.js';

/** Who a test event comes from (shared/activity.ts: the bulk requeue leaves these out too). */
export { TEST_SENDER };

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
	draft.sender = TEST_SENDER;
	draft.metadata = { test: true };
	const [result] = await writer.write(channel, [{ ...draft, fileIds: [], outOfQueue: true }]);
	return { ...result! };
}

/** The ids of a channel's test events: from the test sender and marked `metadata.test` (a delivery is neither). */
export async function testEventIds(database: Knex, channelId: string): Promise<string[]> {
	const rows = await database('activities').where({ channel: channelId, sender: TEST_SENDER }).select('id', 'metadata');

	return rows
		.filter((row: { metadata: unknown }) => (parseJson(row.metadata) as { test?: unknown } | null)?.test === true)
		.map((row: { id: string }) => String(row.id));
}
