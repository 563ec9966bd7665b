import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { BUILT_IN_MANIFESTS } from '../../connectors/built-ins.js';
import { alertLinksFrom } from './alert-links.js';
import { generateRunbooks } from './generate.js';
import { RUNBOOK_DIR } from './sections.js';

export const ALERT_RULES_FILE = 'deploy/prometheus/alerts.yml';

/** The runbooks as `npm run runbooks` writes them: the built-in catalog and the committed alert rules. */
export async function expectedRunbooks(root: string): Promise<Map<string, string>> {
  const rules = parse(await readFile(path.join(root, ALERT_RULES_FILE), 'utf8')) as unknown;
  return generateRunbooks(BUILT_IN_MANIFESTS, alertLinksFrom(rules));
}

export interface RunbookProblem {
  file: string;
  problem: 'missing' | 'stale' | 'not generated';
}

/** What differs between the generated runbooks and the files under docs/runbooks. */
export async function runbookProblems(
  root: string,
  expected: Map<string, string>,
): Promise<RunbookProblem[]> {
  const problems: RunbookProblem[] = [];
  for (const [file, content] of expected) {
    const committed = await readFile(path.join(root, file), 'utf8').catch(() => null);
    if (committed === null) problems.push({ file, problem: 'missing' });
    else if (committed !== content) problems.push({ file, problem: 'stale' });
  }
  const present = await readdir(path.join(root, RUNBOOK_DIR)).catch(() => [] as string[]);
  for (const name of present) {
    const file = `${RUNBOOK_DIR}/${name}`;
    // A runbook of a provider that left the catalog would still be linked by nothing.
    if (name.endsWith('.md') && !expected.has(file)) problems.push({ file, problem: 'not generated' });
  }
  return problems;
}
