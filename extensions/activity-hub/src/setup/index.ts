// Self-install: when Directus starts with the extension, install or upgrade what the bundle owns before any route
// serves (app.before is awaited by Directus), unless ACTIVITY_HUB_AUTO_INSTALL=false; `directus activity-hub install`
// does the same from a shell or an init container. Until installed, the bundle's routes answer 503 with the reason.
// First entry of the bundle, so its middleware runs ahead of the ingest routes.
import { defineHook } from '@directus/extensions-sdk';
import type { Accountability } from '@directus/types';
import type { NextFunction, Request, Response } from 'express';
import { version } from '../../package.json';
import { flushHostCaches } from '../host/directus.js';
import { install, installedState, InstallError, type InstallHost, type InstallReport } from '../install/installer.js';
import { setInstallStatus, unavailableReason } from '../install/status.js';
import { readConfig } from '../shared/config.js';
import { errorBody } from '../shared/errors.js';
import { indexAllContacts } from '../runtime/identities.js';
import { enableHostMetrics } from '../metrics/host.js';
import type { ContactPlan } from '../shared/install-plan.js';

const GATED = /^\/(?:ingest|activity-hub)(?:\/|$)/;

export default defineHook(({ init }, { database, env, logger, services, getSchema }) => {
	const admin: Accountability = { admin: true, app: false, user: null, role: null, roles: [], ip: null };

	const host = (log: (message: string) => void): InstallHost => ({
		database,
		env,
		log,
		schemaService: async () =>
			new services.SchemaService({ knex: database, accountability: admin, schema: await getSchema({ database }) }),
		flushCaches: flushHostCaches,
	});

	const config = readConfig(env);
	const { autoInstall } = config;
	for (const problem of config.problems) logger.warn(`Activity Hub: ${problem}`);
	// Directus's METRICS_ENABLED: the bundle's activity_hub_* series join Directus's registry, served on its /metrics.
	if (config.directus.metrics) enableHostMetrics(database);

	init('app.before', async () => {
		const started = Date.now();

		try {
			const report = autoInstall
				? await install(
						host((message) => logger.info(`Activity Hub: ${message}`)),
						version,
					)
				: await installedState(database, env, version);

			if (!report)
				throw new InstallError(
					'ACTIVITY_HUB_NOT_INSTALLED',
					`Activity Hub ${version} is not installed in this database, or needs its upgrade, and ACTIVITY_HUB_AUTO_INSTALL=false: run \`directus activity-hub install\`.`,
				);
			setInstallStatus({ state: 'installed', version, contacts: report.contacts });
			if (report.applied.length)
				logger.info(`Activity Hub: installed ${version} in ${Date.now() - started} ms (${report.applied.join(', ')})`);
			if (report.applied.includes('schema')) void indexContacts(report.contacts);
		} catch (error) {
			const failure =
				error instanceof InstallError ? error : new InstallError('INSTALL_FAILED', (error as Error).message);

			setInstallStatus({ state: 'failed', code: failure.code, reason: failure.message });
			logger.error(`Activity Hub: not installed${failure.step ? ` (at ${failure.step})` : ''}: ${failure.message}`);
		}
	});

	/** People already in the contact source (an adopted collection, an upgrade) match from the first message on. */
	async function indexContacts(contacts: ContactPlan) {
		try {
			const primaryKey = (await getSchema()).collections[contacts.collection]?.primary ?? 'id';

			const source = {
				collection: contacts.collection,
				primaryKey,
				emailFields: contacts.emailFields,
				phoneFields: contacts.phoneFields,
			};

			const { indexed, linked } = await indexAllContacts(database, source, config.defaultRegion, (message) =>
				logger.warn(message),
			);

			if (indexed)
				logger.info(
					`Activity Hub: indexed ${indexed} contact(s) of "${contacts.collection}", linked ${linked} activit(ies)`,
				);
		} catch (error) {
			logger.warn(error, 'Activity Hub: indexing existing contacts failed; they are indexed as they change');
		}
	}

	init('middlewares.before', ({ app }) => {
		app.use((req: Request, res: Response, next: NextFunction) => {
			const unavailable = GATED.test(req.path) ? unavailableReason() : null;
			if (!unavailable) return next();

			res.status(503).set('retry-after', '30').json(errorBody(unavailable.code, unavailable.reason));
		});
	});

	init('cli.before', ({ program }) => {
		const command = program.command('activity-hub').description('Activity Hub');

		const run = (work: () => Promise<void>) => async () => {
			let code = 0;

			try {
				await work();
			} catch (error) {
				console.error(`Activity Hub: ${(error as Error).message}`);
				code = 1;
			}

			await database.destroy().catch(() => {});
			process.exit(code);
		};

		command
			.command('install')
			.description('Install or upgrade Activity Hub in this database (what ACTIVITY_HUB_AUTO_INSTALL does at start)')
			.action(
				run(async () => {
					const started = Date.now();

					const report: InstallReport = await install(
						host((message) => console.log(`Activity Hub: ${message}`)),
						version,
					);

					console.log(
						report.applied.length
							? `Activity Hub ${version} installed in ${Date.now() - started} ms (${report.applied.join(', ')})`
							: `Activity Hub ${version} is already installed`,
					);
				}),
			);

		command
			.command('status')
			.description('Whether this database has this version of Activity Hub installed')
			.action(
				run(async () => {
					const report = await installedState(database, env, version);
					if (!report) throw new Error(`${version} is not installed here (run \`directus activity-hub install\`)`);

					console.log(
						`Activity Hub ${version} is installed; contacts from "${report.contacts.collection}"${report.contacts.owned ? '' : ' (your collection)'}`,
					);
				}),
			);
	});
});
