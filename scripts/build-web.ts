import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The browser bundles by the name pages ask the manifest for; the file's stem (before the
 * extension) becomes the stem of its hashed name.
 */
export const WEB_ENTRIES: Record<string, string> = {
  'console.js': 'src/web/console/client/main.ts',
  'console.css': 'src/web/console/client/console.css',
};

export const DEFAULT_WEB_OUTDIR = path.join(root, 'dist', 'web');

/** `console.js` → `console-3FZ2Q7.js`: what a page links to, by the name the code knows. */
export type WebManifest = Record<string, string>;

/**
 * Bundles the browser code into `outdir` with content-hashed names (so they can be cached for a
 * year: a change is a new name) and writes manifest.json mapping each logical name to its file.
 * The directory is emptied first, so no stale bundle stays servable.
 */
export async function buildWeb(outdir = DEFAULT_WEB_OUTDIR): Promise<WebManifest> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.entries(WEB_ENTRIES).map(([name, file]) => ({
      in: path.join(root, file),
      out: path.basename(name, path.extname(name)),
    })),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    entryNames: '[name]-[hash]',
    outdir,
    metafile: true,
    legalComments: 'none',
    // graphql-js reads it to choose its development checks; a browser has no process.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const manifest: WebManifest = {};
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const entry = Object.entries(WEB_ENTRIES).find(
      ([name, file]) =>
        path.resolve(root, meta.entryPoint!) === path.join(root, file) &&
        path.extname(name) === path.extname(output),
    );
    if (entry) manifest[entry[0]] = path.basename(output);
  }
  await writeFile(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_WEB_OUTDIR;
  const manifest = await buildWeb(outdir);
  process.stdout.write(
    `web assets built in ${path.relative(process.cwd(), outdir) || '.'}: ${Object.values(manifest).join(', ')}\n`,
  );
}
