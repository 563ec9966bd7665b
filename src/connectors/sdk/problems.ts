import type { z } from 'zod';

/** One thing wrong with a manifest, at an exact path (`providers[1].auth.tokenUrl`). */
export interface ManifestProblem {
  path: string;
  message: string;
}

/**
 * `['providers', 1, 'auth', 'tokenUrl']` → `providers[1].auth.tokenUrl`. Keys that are not plain
 * names (scope ids such as `sharing.read` or Google's scope URLs) are quoted: `internal["a.b"]`.
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function problemsOf(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ManifestProblem[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]) || '(root)',
    message: issue.message,
  }));
}

export function describeProblems(problems: ReadonlyArray<ManifestProblem>): string {
  return problems.map((problem) => `  - ${problem.path}: ${problem.message}`).join('\n');
}
