import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertLinksFrom } from '../../src/cli/runbooks/alert-links.js';
import { ALERT_RULES_FILE, expectedRunbooks, runbookProblems } from '../../src/cli/runbooks/committed.js';
import { generateRunbooks } from '../../src/cli/runbooks/generate.js';
import { HUB_SECTIONS, PROVIDER_SECTIONS } from '../../src/cli/runbooks/sections.js';
import { BUILT_IN_MANIFESTS } from '../../src/connectors/built-ins.js';

const ROOT = path.resolve('.');
const anchorsIn = (markdown: string) =>
  [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((match) => match[1]);

/** The text of one section: from its anchor to the next one. */
function section(markdown: string, anchor: string): string {
  const start = markdown.indexOf(`<a id="${anchor}"></a>`);
  expect(start, anchor).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('<a id="', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

let expected: Map<string, string>;
beforeAll(async () => {
  expected = await expectedRunbooks(ROOT);
});

describe('generated runbooks', () => {
  it('exist for every built-in provider, the hub and the index, and are committed as generated', async () => {
    for (const manifest of BUILT_IN_MANIFESTS)
      expect([...expected.keys()]).toContain(`docs/runbooks/${manifest.id}.md`);
    expect(expected.size).toBe(BUILT_IN_MANIFESTS.length + 2);
    // Stale or missing: run `npm run runbooks` and commit docs/runbooks.
    expect(await runbookProblems(ROOT, expected)).toEqual([]);
  });

  it('have every section under a stable anchor, once', () => {
    for (const manifest of BUILT_IN_MANIFESTS)
      expect(anchorsIn(expected.get(`docs/runbooks/${manifest.id}.md`) ?? '')).toEqual(
        Object.keys(PROVIDER_SECTIONS),
      );
    expect(anchorsIn(expected.get('docs/runbooks/hub.md') ?? '')).toEqual(Object.keys(HUB_SECTIONS));
  });

  it('hold every alert runbook_url, for any provider the alert can name', async () => {
    const rules = parse(await readFile(path.join(ROOT, ALERT_RULES_FILE), 'utf8'));
    for (const link of alertLinksFrom(rules)) {
      const files = link.runbook === 'hub' ? ['hub'] : BUILT_IN_MANIFESTS.map((manifest) => manifest.id);
      for (const file of files) {
        const markdown = expected.get(`docs/runbooks/${file}.md`) ?? '';
        expect(anchorsIn(markdown), `${link.alert} → ${file}.md#${link.anchor}`).toContain(link.anchor);
        // A provider without webhooks (or syncs) cannot raise that alert; its section says why instead.
        const text = section(markdown, link.anchor);
        if (!/declares no (webhooks|syncs)/.test(text)) expect(text).toContain(link.alert);
      }
    }
  });

  it("state each provider's auth endpoints, scopes and budgets from its manifest", () => {
    for (const manifest of BUILT_IN_MANIFESTS) {
      const markdown = expected.get(`docs/runbooks/${manifest.id}.md`) ?? '';
      const auth = section(markdown, 'auth-failures');
      expect(auth).toContain(`\`${manifest.auth.mode}\``);
      if (manifest.auth.tokenUrl) expect(auth).toContain(manifest.auth.tokenUrl);
      if (manifest.auth.revocation.kind !== 'none') expect(auth).toContain(manifest.auth.revocation.url);
      const scopes = section(markdown, 'scopes');
      for (const scope of manifest.scopes) expect(scopes).toContain(`\`${scope.id}\``);
      for (const [scope, rule] of Object.entries(manifest.scopePolicy.overBroad)) {
        expect(scopes).toContain(`| \`${scope}\` | ${rule.reason}`);
      }
      const limits = section(markdown, 'rate-limits');
      for (const budget of manifest.api.rateLimit?.budgets ?? [])
        expect(limits).toContain(`${budget.requests} request`);
    }
    const github = expected.get('docs/runbooks/github.md') ?? '';
    expect(section(github, 'rate-limits')).toContain('| 5000 requests per hour | each connection |');
  });

  it('name the exact signature header and where the secret lives, or say there are no webhooks', () => {
    for (const manifest of BUILT_IN_MANIFESTS) {
      const webhook = section(
        expected.get(`docs/runbooks/${manifest.id}.md`) ?? '',
        'webhook-signature-mismatch',
      );
      const declared = manifest.webhooks;
      if (!declared) {
        expect(webhook).toContain('declares no webhooks');
        continue;
      }
      if ('signature' in declared) {
        expect(webhook).toContain(`\`${declared.signature.header}\``);
        expect(webhook).toContain(
          `HMAC-${declared.signature.algorithm.toUpperCase()} ${declared.signature.encoding}`,
        );
      }
      if ('tokenHeader' in declared) expect(webhook).toContain(`\`${declared.tokenHeader}\``);
      if ('clientStatePath' in declared) expect(webhook).toContain(`\`${declared.clientStatePath}\``);
      const secret = 'secret' in declared ? declared.secret : { perConnection: true, appLevel: undefined };
      if (secret.appLevel)
        expect(webhook).toContain(`\`${manifest.id}=<secret>\` in \`SWITCHBOARD_WEBHOOK_SECRETS\``);
      if (secret.perConnection) expect(webhook).toContain('configureWebhook(input: { connectionId');
    }
  });

  it('state the KurrentDB settings the hub relies on', () => {
    const kurrentdb = section(expected.get('docs/runbooks/hub.md') ?? '', 'kurrentdb');
    for (const setting of [
      '23.10.0 or later',
      'nodePreference=leader',
      'tlsCAFile=',
      '`$all` read',
      '`MaxAppendSize`',
      '`APPEND_TOO_LARGE` (413',
      '`eventids-<tenant>.<id>-<digest>`',
    ])
      expect(kurrentdb).toContain(setting);
  });

  it('name only queries and mutations the schema has', async () => {
    const schema = await readFile(path.join(ROOT, 'schema/schema.graphql'), 'utf8');
    const fields = new Set([...schema.matchAll(/^ {2}([a-zA-Z]+)\(/gm)].map((match) => match[1]));
    const named = new Set(
      [...expected.values()].flatMap((markdown) =>
        [...markdown.matchAll(/`([a-z][A-Za-z]+)\((?:input|id|provider|connectionId)\b/g)].map(
          (match) => match[1],
        ),
      ),
    );
    expect(named.size).toBeGreaterThan(8);
    for (const name of named) expect(fields, name).toContain(name);
  });
});

describe('npm run runbooks -- --check', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'runbooks-'));
    await cp(path.join(ROOT, 'deploy'), path.join(scratch, 'deploy'), { recursive: true });
    await cp(path.join(ROOT, 'docs/runbooks'), path.join(scratch, 'docs/runbooks'), { recursive: true });
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('finds a stale runbook when a manifest changes, and a missing one', async () => {
    const github = BUILT_IN_MANIFESTS.find((manifest) => manifest.id === 'github');
    if (github?.webhooks?.scheme !== 'github_hmac_sha256') throw new Error('github webhooks changed');
    const changed = {
      ...github,
      webhooks: { ...github.webhooks, signature: { ...github.webhooks.signature, header: 'X-Other' } },
    };
    const rules = alertLinksFrom(parse(await readFile(path.join(ROOT, ALERT_RULES_FILE), 'utf8')));
    const manifests = BUILT_IN_MANIFESTS.map((manifest) => (manifest === github ? changed : manifest));
    await rm(path.join(scratch, 'docs/runbooks/slack.md'));
    const problems = await runbookProblems(scratch, generateRunbooks(manifests, rules));
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: 'docs/runbooks/slack.md', problem: 'missing' },
        { file: 'docs/runbooks/github.md', problem: 'stale' },
      ]),
    );
  });

  it('exits 1 listing what is missing or not generated', async () => {
    await writeFile(path.join(scratch, 'docs/runbooks/gone-provider.md'), '# gone\n');
    const run = promisify(execFile)(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [path.join(ROOT, 'scripts/runbooks.ts'), '--check'],
      {
        cwd: scratch,
      },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /missing: docs\/runbooks\/slack\.md\nnot generated: docs\/runbooks\/gone-provider\.md/,
      ),
    });
  });
});
