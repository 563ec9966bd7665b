import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` (run by `npm install`) writes the browser bundles. */
export const DEFAULT_WEB_ASSETS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'web',
);

export const WEB_ASSETS_MISSING =
  'The operator console is not built: run `npm run build:web` (npm install runs it) and restart the hub.';

export interface WebAssets {
  /** The URL of a bundle by its logical name (`console.js` → `/assets/console-3FZ2Q7.js`). */
  url(name: string): string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A hashed name changes with its content, so a browser may keep it for a year without asking again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

interface LoadedAsset {
  body: Buffer;
  contentType: string;
}

/**
 * Reads the built bundles named by dist/web/manifest.json into memory (they are small, and a
 * request can then never name a file outside them); null when the build is missing or incomplete.
 */
export function loadWebAssets(
  dir = DEFAULT_WEB_ASSETS_DIR,
): { assets: WebAssets; files: Map<string, LoadedAsset> } | null {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) return null;
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
  } catch {
    return null;
  }
  const files = new Map<string, LoadedAsset>();
  for (const file of Object.values(manifest)) {
    const contentType = CONTENT_TYPES[path.extname(file)];
    const location = path.join(dir, path.basename(file));
    if (!contentType || !existsSync(location)) return null;
    files.set(path.basename(file), { body: readFileSync(location), contentType });
  }
  return {
    files,
    assets: {
      url(name) {
        const file = manifest[name];
        if (!file) throw new Error(`no web asset named ${name} in ${manifestFile}`);
        return `/assets/${path.basename(file)}`;
      },
    },
  };
}

/** GET /assets/<hashed name>: only the files of the manifest, from memory, cached for a year. */
export function registerWebAssets(app: FastifyInstance, files: ReadonlyMap<string, LoadedAsset>): void {
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const asset = files.get(request.params.file);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return reply.header('cache-control', IMMUTABLE).type(asset.contentType).send(asset.body);
  });
}
