export const ADMIN = {
	email: 'admin@example.com',
	password: 'harness-admin-password',
	token: 'harness-admin-token',
	secret: 'harness-secret-0123456789abcdefghijklmnopqrstuvwxyz',
};

export interface PgServer {
	host: string;
	port: number;
	user: string;
	password: string;
	template: string;
	/** A database right after `directus bootstrap`, before Activity Hub. */
	plainTemplate: string;
	/** The embedded server's restart control (fault tests). */
	control: string;
}

export interface HarnessInfo {
	root: string;
	sqliteTemplate: string | null;
	/** A SQLite database right after `directus bootstrap`, before Activity Hub. */
	plainSqliteTemplate: string | null;
	pg: PgServer | null;
	/** The extension's release artefact: `npm pack` of extensions/activity-hub, made once per run. */
	tarball: string;
}

declare module 'vitest' {
	export interface ProvidedContext {
		harness: HarnessInfo;
	}
}
