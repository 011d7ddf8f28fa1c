// Types for directus.mjs (plain ESM so that `node` runs it without a build step).
import type { ChildProcess } from 'node:child_process';

export type DatabaseConfig =
	| { client: 'sqlite3'; filename: string }
	| { client: 'pg'; host: string; port: number; user: string; password?: string; database: string };

export interface AdminConfig {
	email: string;
	password: string;
	token: string;
	secret: string;
}

export type DirectusEnv = Record<string, string>;

/** Where a Directus project lives: its folder and its CLI (default: this repository's). */
export interface ProjectLocation {
	cwd?: string;
	cli?: string;
}

export interface RunningDirectus {
	url: string;
	child: ChildProcess;
	output(): string;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

export const ROOT: string;
export const SNAPSHOT_PATH: string;
export const CLI: string;
export const EXTENSIONS_DIR: string;
export const CARRIED_NODE_DIR: string;
export function nodeBinary(): string;
export function freePort(): Promise<number>;
export function databaseEnv(db: DatabaseConfig | Record<string, unknown>): Record<string, string>;
export function directusEnv(options: {
	db: DatabaseConfig | Record<string, unknown>;
	port: number;
	dataDir: string;
	publicUrl?: string;
	admin: AdminConfig;
	extra?: Record<string, string>;
}): DirectusEnv;
export function directusCli(
	args: string[],
	env: Record<string, string | undefined>,
	options?: ProjectLocation,
): Promise<{ stdout: string; stderr: string }>;
export function installActivityHub(
	env: Record<string, string | undefined>,
	log?: (step: string) => void,
	options?: ProjectLocation,
): Promise<void>;
export function waitForPing(url: string, options?: { timeoutMs?: number; child?: ChildProcess }): Promise<void>;
export function startDirectus(
	env: Record<string, string | undefined>,
	options?: { inheritOutput?: boolean; onOutput?: (chunk: string) => void; startTimeoutMs?: number } & ProjectLocation,
): Promise<RunningDirectus>;
