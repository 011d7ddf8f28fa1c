import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests colocated with the bundle source; integration and browser tests that boot
// real Directus processes (so they run files one after another and get generous timeouts).
export default defineConfig({
	test: {
		projects: [
			{ test: { name: 'unit', include: ['extensions/activity-hub/src/**/*.test.ts'], environment: 'node' } },
			{
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					fileParallelism: false,
					testTimeout: 120_000,
					hookTimeout: 240_000,
					// Waits on real processes (an index batch, a websocket event, a file on disk): 1 s, the default, is
					// short on a busy machine; a poll still ends the moment its condition holds.
					expect: { poll: { timeout: 10_000 } },
					globalSetup: ['tests/harness/global-setup.ts'],
				},
			},
			{
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					fileParallelism: false,
					testTimeout: 120_000,
					hookTimeout: 240_000,
					// Waits on real processes (an index batch, a websocket event, a file on disk): 1 s, the default, is
					// short on a busy machine; a poll still ends the moment its condition holds.
					expect: { poll: { timeout: 10_000 } },
					globalSetup: ['tests/harness/global-setup.ts'],
				},
			},
		],
	},
});
