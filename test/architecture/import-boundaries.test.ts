import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const rules = require(path.join(root, '.dependency-cruiser.cjs')) as IConfiguration;

/** Runs the repository's rules over `paths` below `baseDir`, as `npm run check:imports` does. */
async function violations(baseDir: string, paths: string[]) {
  return (await run(baseDir, paths)).summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

async function run(baseDir: string, paths: string[]): Promise<ICruiseResult> {
  const result = await cruise(paths, {
    ...rules.options,
    baseDir,
    ruleSet: { forbidden: rules.forbidden },
    validate: true,
    tsConfig: undefined,
    tsPreCompilationDeps: true,
  });
  return result.output as ICruiseResult;
}

describe('import boundaries (.dependency-cruiser.cjs)', () => {
  let scratch: string | undefined;
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function tree(files: Record<string, string>): Promise<string> {
    scratch ??= await mkdtemp(path.join(os.tmpdir(), 'sb-boundaries-'));
    const dir = await mkdtemp(path.join(scratch, 'case-'));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    return dir;
  }

  it('refuses an import from a lower layer to a higher one (the vault reaching into the app)', async () => {
    const dir = await tree({
      'src/app/runtime.ts': 'export const runtime = 1;\n',
      // Written as the code base writes imports: .js specifiers for .ts files.
      'src/vault/keys.ts': "import { runtime } from '../app/runtime.js';\nexport const keys = runtime;\n",
    });
    expect(await violations(dir, ['src'])).toContain(
      'vault-imports-no-upper-layer: src/vault/keys.ts → src/app/runtime.ts',
    );
  });

  it('refuses a cycle, even one made of type imports', async () => {
    const dir = await tree({
      'src/shared/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
      'src/shared/b.ts': "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
    });
    expect((await violations(dir, ['src'])).some((line) => line.startsWith('no-circular:'))).toBe(true);
  });

  it('refuses a folder of src/ that has no layer yet', async () => {
    const dir = await tree({
      'src/misc/thing.ts': "import { x } from '../shared/x.ts';\nexport const y = x;\n",
      'src/shared/x.ts': 'export const x = 1;\n',
    });
    expect((await violations(dir, ['src'])).some((line) => line.startsWith('src-in-known-layer:'))).toBe(
      true,
    );
  });

  it('allows a downward import', async () => {
    const dir = await tree({
      'src/shared/x.ts': 'export const x = 1;\n',
      'src/vault/keys.ts': "import { x } from '../shared/x.ts';\nexport const keys = x;\n",
    });
    expect(await violations(dir, ['src'])).toEqual([]);
  });

  it('holds for the repository as it is, every import resolved', async () => {
    const result = await run(root, ['src']);
    expect(result.summary.violations).toEqual([]);
    // Not vacuous: the imports between src/ files were found and resolved.
    const internal = result.modules
      .filter((module) => module.source.startsWith('src/'))
      .flatMap((module) => module.dependencies)
      .filter((dependency) => dependency.resolved.startsWith('src/'));
    expect(internal.length).toBeGreaterThan(1000);
    expect(internal.filter((dependency) => dependency.couldNotResolve)).toEqual([]);
  });
});
