// What an install consists of, built into the package: the schema (snapshots/activity-hub.json) and the steps in
// migrations/ that a snapshot cannot express. The repository's snapshots/ and migrations/ are their source; the build
// inlines them, so an installed package never reads the repository.
import type { Knex } from 'knex';
import bundleSnapshot from '../../../../snapshots/activity-hub.json';
import * as indexes from '../../../../migrations/z0001-activity-hub-indexes.js';
import * as agentAccess from '../../../../migrations/z0002-activity-hub-agent-access.js';
import * as queueIndexes from '../../../../migrations/z0003-activity-hub-queue-indexes.js';
import * as aiFlow from '../../../../migrations/z0004-activity-hub-ai-flow.js';
import * as healthIndexes from '../../../../migrations/z0005-activity-hub-health-indexes.js';
import * as dashboard from '../../../../migrations/z0006-activity-hub-dashboard.js';
import * as leaseTokenHash from '../../../../migrations/z0007-activity-hub-lease-token-hash.js';
import * as dashboardLayout from '../../../../migrations/z0008-activity-hub-dashboard-layout.js';
import * as studioMeta from '../../../../migrations/z0009-activity-hub-studio-meta.js';
import * as studioLayout from '../../../../migrations/z0010-activity-hub-studio-layout.js';
import * as messageThreads from '../../../../migrations/z0011-activity-hub-message-threads.js';
import * as duplicatesPanel from '../../../../migrations/z0012-activity-hub-duplicates-panel.js';
import * as transcribeFlow from '../../../../migrations/z0013-activity-hub-transcribe-flow.js';
import * as refusalLog from '../../../../migrations/z0014-activity-hub-refusal-log.js';
import * as search from '../../../../migrations/z0015-activity-hub-search.js';
import * as outboundIndexes from '../../../../migrations/z0016-activity-hub-outbound-indexes.js';
import * as searchOnChange from '../../../../migrations/z0017-activity-hub-search-on-change.js';
import * as firstResponses from '../../../../migrations/z0018-activity-hub-first-responses.js';
import * as firstResponsesInOrder from '../../../../migrations/z0019-activity-hub-first-responses-in-order.js';
import type { Snapshot } from '../shared/install-plan.js';

export interface InstallStep {
	/** Recorded once applied; 0.1.0 ran the same steps as Directus migrations, recorded by the part before the first '-'. */
	id: string;
	/** Directus's env is passed for the steps whose result depends on the configuration (z0015: the search language). */
	up: (knex: Knex, env: Record<string, unknown>) => Promise<void>;
}

export const BUNDLE_SNAPSHOT = bundleSnapshot as unknown as Snapshot;

/** In order; each runs once, in its own transaction with its record, and is idempotent should it ever run again. */
export const INSTALL_STEPS: InstallStep[] = [
	{ id: 'z0001-activity-hub-indexes', up: indexes.up },
	{ id: 'z0002-activity-hub-agent-access', up: agentAccess.up },
	{ id: 'z0003-activity-hub-queue-indexes', up: queueIndexes.up },
	{ id: 'z0004-activity-hub-ai-flow', up: aiFlow.up },
	{ id: 'z0005-activity-hub-health-indexes', up: healthIndexes.up },
	{ id: 'z0006-activity-hub-dashboard', up: dashboard.up },
	{ id: 'z0007-activity-hub-lease-token-hash', up: leaseTokenHash.up },
	{ id: 'z0008-activity-hub-dashboard-layout', up: dashboardLayout.up },
	{ id: 'z0009-activity-hub-studio-meta', up: studioMeta.up },
	{ id: 'z0010-activity-hub-studio-layout', up: studioLayout.up },
	{ id: 'z0011-activity-hub-message-threads', up: messageThreads.up },
	{ id: 'z0012-activity-hub-duplicates-panel', up: duplicatesPanel.up },
	{ id: 'z0013-activity-hub-transcribe-flow', up: transcribeFlow.up },
	{ id: 'z0014-activity-hub-refusal-log', up: refusalLog.up },
	{ id: 'z0015-activity-hub-search', up: search.up },
	{ id: 'z0016-activity-hub-outbound-indexes', up: outboundIndexes.up },
	{ id: 'z0017-activity-hub-search-on-change', up: searchOnChange.up },
	{ id: 'z0018-activity-hub-first-responses', up: firstResponses.up },
	{ id: 'z0019-activity-hub-first-responses-in-order', up: firstResponsesInOrder.up },
];

/** After the steps: documents rebuilt when ACTIVITY_HUB_SEARCH_LANGUAGE changed since they were built. */
export const applySearchLanguage = (knex: Knex, language: string): Promise<boolean> =>
	search.setLanguage(knex, language);

export const legacyVersionOf = (step: InstallStep) => step.id.split('-')[0]!;
