# Directus 12.4.0 with the Activity Hub bundle baked in. Since Directus 12.1 the official image is a hardened one
# with no npm, npx or shell, so the bundle is built and packed in a Node stage and only the unpacked release
# tarball is copied into the Directus image. The bundle installs its own schema when Directus starts
# (ACTIVITY_HUB_AUTO_INSTALL, default true), so nothing else (no migrations folder, no MIGRATIONS_PATH) is needed.
#
#   docker build -t activity-hub-directus .                                  # or: docker compose build
#   docker build --build-arg DIRECTUS_VERSION=12.0.2 -t activity-hub-directus .

# The Directus release this bundle is tested against (the `directus` dependency in package.json).
ARG DIRECTUS_VERSION=12.4.0
# Build-only toolchain; Directus 12 and some bundled dependencies need Node 22.
ARG NODE_VERSION=22

####################################################################################################
## Build and pack the bundle
FROM node:${NODE_VERSION}-alpine AS build
WORKDIR /build

# Dependencies first, so this layer is cached until a manifest or the lock changes. The root lock is a
# workspaces lock (root + extensions/activity-hub): `npm ci -w extensions/activity-hub
# --include-workspace-root=false` installs exactly the locked versions of the bundle's own dependencies (the
# extensions SDK, vue, ...), not the root's (directus, test tooling). --ignore-scripts: the root's postinstall
# (scripts/ensure-native.mjs, for the local dev setup) is not part of the build and is not in this stage;
# esbuild and rollup get their native binaries from optional platform packages, so the build needs no scripts.
COPY package.json package-lock.json ./
COPY extensions/activity-hub/package.json extensions/activity-hub/
RUN npm ci --workspace extensions/activity-hub --include-workspace-root=false --ignore-scripts --no-audit --no-fund

# The build inlines the schema snapshot and the migration steps from the repository root into dist/.
COPY snapshots/ snapshots/
COPY migrations/ migrations/
COPY extensions/activity-hub/ extensions/activity-hub/

# `npm pack` produces the release tarball (package.json `files`: dist, README.md, LICENSE); unpacking it gives
# exactly what `npm install directus-extension-activity-hub` would put in place. Fail here if dist is missing.
RUN npm run build --workspace extensions/activity-hub \
	&& mkdir -p /build/release \
	&& npm pack --workspace extensions/activity-hub --pack-destination /build/release \
	&& tar -xzf /build/release/*.tgz -C /build/release \
	&& test -f /build/release/package/package.json \
	&& test -f /build/release/package/dist/api.js \
	&& test -f /build/release/package/dist/app.js

####################################################################################################
## Directus with the bundle
# No RUN here: the hardened image has no shell and no package manager. The bundle's dist/ is self-contained
# (Directus never runs `npm install` for extensions); its few `@directus/api/*` imports resolve to the host's.
FROM directus/directus:${DIRECTUS_VERSION}
COPY --from=build --chown=node:node /build/release/package /directus/extensions/directus-extension-activity-hub
