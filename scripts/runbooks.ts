import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expectedRunbooks, runbookProblems } from '../src/cli/runbooks/committed.js';

/**
 * `npm run runbooks` writes docs/runbooks/ from the provider manifests and the alert rules;
 * `npm run runbooks -- --check` changes nothing and exits 1 listing what is missing or stale.
 */
const root = process.cwd();
const expected = await expectedRunbooks(root);
const problems = await runbookProblems(root, expected);

if (process.argv.includes('--check')) {
  for (const { file, problem } of problems) process.stdout.write(`${problem}: ${file}\n`);
  if (problems.length > 0) {
    process.stdout.write('Run `npm run runbooks` and commit docs/runbooks.\n');
    process.exit(1);
  }
  process.stdout.write(`${expected.size} runbooks are up to date\n`);
} else {
  for (const [file, content] of expected) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  for (const { file, problem } of problems) if (problem === 'not generated') await rm(path.join(root, file));
  process.stdout.write(`wrote ${expected.size} runbooks to docs/runbooks\n`);
}
