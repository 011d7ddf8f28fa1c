// Real worker processes: examples/agent-worker.ts run as a user would, reporting each completion on stdout.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const WORKER = join(process.cwd(), 'examples', 'agent-worker.ts');

export interface Worker {
	child: ChildProcess;
	completed: string[];
	exited: Promise<number | null>;
}

export function startWorker(url: string, token: string, args: string[]): Worker {
	// One process (tsx as a loader, not its launcher, which would run the worker in a child), so SIGKILL hits the worker.
	const child = spawn(process.execPath, ['--import', 'tsx', WORKER, '--once', ...args], {
		env: { ...process.env, DIRECTUS_URL: url, DIRECTUS_TOKEN: token },
		stdio: ['ignore', 'pipe', 'pipe'],
	});

	const completed: string[] = [];
	let buffer = '';

	child.stdout!.on('data', (chunk) => {
		buffer += chunk;
		const lines = buffer.split('\n');
		buffer = lines.pop() ?? '';
		for (const line of lines) if (line.startsWith('{')) completed.push(JSON.parse(line).completed);
	});

	child.stderr!.on('data', () => {});
	return { child, completed, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}
