import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertLinksFrom, metricNamesIn } from '../../src/cli/runbooks/alert-links.js';
import {
  SYNC_RUN_RESULTS,
  TOKEN_REFRESH_RESULTS,
  WEBHOOK_RESULTS,
} from '../../src/observability/metrics/catalog.js';
import { describeWithPromtool, promtool } from '../support/promtool.js';
import { catalogMetricOf, selectorsIn } from './catalog-names.js';

const DIR = path.resolve('deploy/prometheus');

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
interface UnitTests {
  rule_files: string[];
  tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const rules = (
  parse(readFileSync(path.join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((group) => group.rules);
const unitTests = parse(readFileSync(path.join(DIR, 'alerts.test.yml'), 'utf8')) as UnitTests;

/** Label values the catalog fixes; a matcher on another value would never match. */
const KNOWN_VALUES: Record<string, Record<string, readonly string[]>> = {
  switchboard_webhook_deliveries_total: { result: WEBHOOK_RESULTS },
  switchboard_sync_runs_total: { result: SYNC_RUN_RESULTS },
  switchboard_token_refreshes_total: { result: TOKEN_REFRESH_RESULTS },
};

describeWithPromtool('alert rules under promtool', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool(DIR, 'check', 'rules', 'alerts.yml');
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(status).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const { status, output } = promtool(DIR, 'test', 'rules', 'alerts.test.yml');
    expect(output).toContain('SUCCESS');
    expect(status, output).toBe(0);
  });
});

describe('alert rules and the metric catalog', () => {
  it('cover what issue 15 asks for', () => {
    const read = new Set(rules.flatMap((rule) => metricNamesIn(rule.expr)));
    for (const name of [
      'switchboard_projection_lag_seconds',
      'switchboard_projection_stopped',
      'switchboard_webhook_verify_failures_total',
      'switchboard_token_refreshes_total',
      'switchboard_dead_letter_oldest_age_seconds',
      'switchboard_drift_detections_total',
      'switchboard_circuit_breaker_state',
      'switchboard_sync_runs_total',
    ])
      expect(read).toContain(name);
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))(
    '%s reads only catalog metrics, labels and values',
    (_, rule) => {
      const selectors = selectorsIn(rule.expr);
      expect(selectors.length).toBeGreaterThan(0);
      for (const { name, matchers } of selectors) {
        const metric = catalogMetricOf(name);
        expect(metric, `${name} is not in src/observability/metrics/catalog.ts`).toBeDefined();
        const labels = [...(metric?.labels ?? []), ...(metric?.tenantLabel ? ['tenant'] : [])];
        for (const { label, op, value } of matchers) {
          expect(labels, `${name} has no label ${label}`).toContain(label);
          const known = KNOWN_VALUES[name]?.[label];
          if (known)
            for (const one of op.endsWith('~') ? value.split('|') : [value]) expect(known).toContain(one);
        }
      }
      for (const by of rule.expr.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const label of (by[1] ?? '').split(',').map((part) => part.trim())) {
          for (const { name } of selectors)
            expect(catalogMetricOf(name)?.labels, `${name} by ${label}`).toContain(label);
        }
      }
    },
  );

  it('link every alert to a runbook section, per provider where the alert has a provider', () => {
    const links = alertLinksFrom(parse(readFileSync(path.join(DIR, 'alerts.yml'), 'utf8')));
    expect(links.map((link) => link.alert)).toEqual(rules.map((rule) => rule.alert));
    for (const link of links) {
      const rule = rules.find((candidate) => candidate.alert === link.alert);
      const keepsProvider = /\bby \([^)]*\bprovider\b/.test(rule?.expr ?? '');
      expect(link.runbook === 'provider', link.alert).toBe(keepsProvider);
    }
  });

  it('have unit tests in which each alert fires and in which it does not', () => {
    expect(unitTests.rule_files).toEqual(['alerts.yml']);
    const cases = unitTests.tests.flatMap((test) => test.alert_rule_test);
    for (const { alert } of rules) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} never fires in alerts.test.yml`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} has no case where it stays quiet`,
      ).toBe(true);
    }
  });
});
