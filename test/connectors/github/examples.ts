import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Every example payload in @octokit/webhooks-examples: real deliveries GitHub's docs and the
 * community recorded, for api.github.com and each GitHub Enterprise Server release in the package.
 */
export interface GithubExample {
  source: string;
  eventName: string;
  index: number;
  payload: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const SOURCES = ['api.github.com', 'ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35'];

export function githubExamples(): GithubExample[] {
  return SOURCES.flatMap((source) => {
    const file = require.resolve(`@octokit/webhooks-examples/${source}/index.json`);
    const definitions = JSON.parse(readFileSync(file, 'utf8')) as Array<{
      name: string;
      examples: Array<Record<string, unknown>>;
    }>;
    return definitions.flatMap((definition) =>
      definition.examples.map((payload, index) => ({ source, eventName: definition.name, index, payload })),
    );
  });
}

/** The `issues` `opened` delivery recorded for api.github.com: a fresh copy, free to edit. */
export function githubIssueOpened(): Record<string, unknown> {
  const found = githubExamples().find(
    (example) =>
      example.source === 'api.github.com' &&
      example.eventName === 'issues' &&
      example.payload['action'] === 'opened',
  );
  if (!found) throw new Error('@octokit/webhooks-examples has no issues.opened example for api.github.com');
  return structuredClone(found.payload);
}
