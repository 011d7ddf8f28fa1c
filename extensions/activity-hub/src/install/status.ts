// Whether this process may serve Activity Hub: set once by the setup hook before Directus serves any route, read by
// the 503 gate, the reaper and whatever needs the installed contact source. One module state for the whole bundle.
import type { ContactPlan } from '../shared/install-plan.js';

export type InstallStatus =
	| { state: 'pending' }
	| { state: 'installed'; version: string; contacts: ContactPlan }
	| { state: 'failed'; code: string; reason: string };

let status: InstallStatus = { state: 'pending' };

export const installStatus = (): InstallStatus => status;
export const setInstallStatus = (next: InstallStatus) => void (status = next);
export const isInstalled = () => status.state === 'installed';

/** The installed contact source; null until installed. */
export const installedContacts = (): ContactPlan | null => (status.state === 'installed' ? status.contacts : null);

/** Why Activity Hub's routes are unavailable, for the 503 they answer. */
export function unavailableReason(): { code: string; reason: string } | null {
	if (status.state === 'installed') return null;
	if (status.state === 'failed') return { code: status.code, reason: status.reason };
	return {
		code: 'ACTIVITY_HUB_NOT_READY',
		reason:
			'Activity Hub has not finished installing in this process. After installing the extension from the Marketplace, restart Directus.',
	};
}
