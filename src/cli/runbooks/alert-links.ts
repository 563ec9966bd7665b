import { z } from 'zod';
import { HUB_SECTIONS, PROVIDER_SECTIONS, RUNBOOK_DIR } from './sections.js';

/** An alert of deploy/prometheus/alerts.yml, as far as a runbook needs it. */
export interface AlertLink {
  alert: string;
  severity: string;
  /** Metric names its expression reads. */
  metrics: string[];
  /** `provider`: docs/runbooks/{{ $labels.provider }}.md; `hub`: docs/runbooks/hub.md. */
  runbook: 'provider' | 'hub';
  anchor: string;
}

const ruleSchema = z.object({
  alert: z.string().min(1),
  expr: z.string().min(1),
  labels: z.object({ severity: z.enum(['warning', 'critical']) }),
  annotations: z.object({
    summary: z.string().min(1),
    description: z.string().min(1),
    runbook_url: z.string(),
  }),
});

const rulesFileSchema = z.object({
  groups: z.array(
    z.object({ name: z.string(), rules: z.array(z.union([ruleSchema, z.object({ record: z.string() })])) }),
  ),
});

const PROVIDER_URL = new RegExp(`^${RUNBOOK_DIR}/\\{\\{ \\$labels\\.provider \\}\\}\\.md#([a-z0-9-]+)$`);
const HUB_URL = new RegExp(`^${RUNBOOK_DIR}/hub\\.md#([a-z0-9-]+)$`);

/** PromQL identifiers that name one of our metrics (labels and functions never start with it). */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bswitchboard_[a-z0-9_]+/g) ?? [])];
}

/**
 * The alerts of a parsed Prometheus rules file with the runbook section each links to. Throws on
 * a rule without severity or annotations, or a runbook_url that is not a known section: the
 * runbooks are generated from this, so a bad link fails `npm run runbooks`, not a page at 3 a.m.
 */
export function alertLinksFrom(document: unknown): AlertLink[] {
  const file = rulesFileSchema.parse(document);
  return file.groups.flatMap((group) =>
    group.rules.flatMap((rule): AlertLink[] => {
      if (!('alert' in rule)) return [];
      const url = rule.annotations.runbook_url;
      const provider = PROVIDER_URL.exec(url)?.[1];
      const hub = HUB_URL.exec(url)?.[1];
      const link = { alert: rule.alert, severity: rule.labels.severity, metrics: metricNamesIn(rule.expr) };
      if (provider !== undefined && provider in PROVIDER_SECTIONS)
        return [{ ...link, runbook: 'provider', anchor: provider }];
      if (hub !== undefined && hub in HUB_SECTIONS) return [{ ...link, runbook: 'hub', anchor: hub }];
      throw new Error(`Alert ${rule.alert}: runbook_url "${url}" names no runbook section`);
    }),
  );
}
