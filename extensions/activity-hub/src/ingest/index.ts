// POST /ingest/:channelId — the webhook front door. Registered on `middlewares.before`, ahead of Directus's JSON
// parser and authentication, so providers' own Authorization headers reach us and bodies are read (and bounded)
// by the channel's limits, not the global 1 MB. GET answers the WhatsApp verification handshake. The pipeline
// itself lives in src/ingest-pipeline, shared with the API endpoint.
import { defineHook } from '@directus/extensions-sdk';
import type { Application, Request, Response } from 'express';
import { ingestPipeline } from '../ingest-pipeline/index.js';

export default defineHook(({ init }, context) => {
	const pipeline = ingestPipeline(context);

	init('middlewares.before', (meta) => {
		const app = meta['app'] as Application;
		app.get('/ingest/:channelId', (req: Request, res: Response) => void pipeline.answerHandshake(req, res));

		app.post(
			'/ingest/:channelId',
			(req: Request, res: Response) => void pipeline.ingestWebhook(req, res, String(req.params['channelId'])),
		);
	});
});
