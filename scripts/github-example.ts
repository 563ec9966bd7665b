import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Definitions = Array<{ name: string; examples: Array<Record<string, unknown>> }>;
let definitions: Definitions | undefined;

/**
 * The first api.github.com example of an event (and action) in @octokit/webhooks-examples, as
 * GitHub's docs recorded it: the real deliveries the demo and the benchmarks post. A fresh copy
 * each call, so callers may change it.
 */
export function githubExample(eventName: string, action?: string): Record<string, unknown> {
  if (!definitions) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
    definitions = JSON.parse(readFileSync(file, 'utf8')) as Definitions;
  }
  const found = definitions
    .find((definition) => definition.name === eventName)
    ?.examples.find((payload) => action === undefined || payload['action'] === action);
  if (!found) throw new Error(`no ${eventName} ${action ?? ''} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}
