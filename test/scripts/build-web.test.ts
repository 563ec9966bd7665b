import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, type WebManifest } from '../../scripts/build-web.js';

describe('npm run build:web', () => {
  let dir: string;
  let manifest: WebManifest;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-build-web-'));
    await writeFile(path.join(dir, 'console-STALE000.js'), 'old bundle');
    manifest = await buildWeb(dir);
  }, 30_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names each bundle by its content hash and maps the logical names in manifest.json', async () => {
    expect(Object.keys(manifest).sort()).toEqual(['console.css', 'console.js']);
    expect(manifest['console.js']).toMatch(/^console-[A-Z0-9]{8}\.js$/);
    expect(manifest['console.css']).toMatch(/^console-[A-Z0-9]{8}\.css$/);
    expect(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    for (const file of Object.values(manifest)) expect(existsSync(path.join(dir, file))).toBe(true);
  });

  it('bundles everything the browser runs: no bare imports, no process, no other origin', async () => {
    const script = await readFile(path.join(dir, manifest['console.js']!), 'utf8');
    // Booleans, so that a failure does not print the whole bundle.
    expect(/(^|[;}])\s*import\s*[\w{*"']/.test(script), 'a static import left in the bundle').toBe(false);
    expect(/\bimport\(/.test(script), 'a dynamic import left in the bundle').toBe(false);
    expect(script.includes('process.env'), 'process.env left in the bundle').toBe(false);
    // The operations it sends are the codegen documents, printed.
    expect(script.includes('"RevokeConnection"')).toBe(true);
  });

  it('empties the directory first (no stale bundle stays servable) and rebuilds to the same names', async () => {
    expect(existsSync(path.join(dir, 'console-STALE000.js'))).toBe(false);
    expect(await buildWeb(dir)).toEqual(manifest);
  }, 30_000);
});
