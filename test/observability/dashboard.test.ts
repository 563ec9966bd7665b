import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNamesIn } from '../../src/cli/runbooks/alert-links.js';
import { DASHBOARD_FILE, dashboardJson } from '../../src/observability/dashboard/grafana.js';
import { METRICS } from '../../src/observability/metrics/catalog.js';
import { OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { catalogMetricOf, selectorsIn } from './catalog-names.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template
const DS_UID = '${DS_PROMETHEUS}';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource: { uid: string } }[];
}

const dashboard = JSON.parse(await readFile(DASHBOARD_FILE, 'utf8')) as {
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
};
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
const exprs = panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
);
const namesInPanels = [...new Set(exprs.flatMap(({ expr }) => metricNamesIn(expr)))];

describe('the Grafana dashboard', () => {
  it('is committed as `npm run dashboard` generates it', async () => {
    expect(await readFile(DASHBOARD_FILE, 'utf8')).toBe(dashboardJson());
  });

  it('reads its data source from the DS_PROMETHEUS variable and offers a provider variable', () => {
    expect(dashboard.templating.list.map((variable) => [variable.name, variable.type])).toEqual([
      ['DS_PROMETHEUS', 'datasource'],
      ['provider', 'query'],
    ]);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(DS_UID);
      for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe(DS_UID);
    }
  });

  it('queries only catalog metrics and labels, filtered by the provider variable where they have one', () => {
    expect(exprs.length).toBeGreaterThan(15);
    for (const { panel, expr } of exprs) {
      for (const { name, matchers } of selectorsIn(expr)) {
        const metric = catalogMetricOf(name);
        expect(metric, `${panel}: ${name} is not in the catalog`).toBeDefined();
        for (const { label } of matchers)
          expect(metric?.labels, `${panel}: ${name}{${label}}`).toContain(label);
        if (metric?.labels.includes('provider' as never))
          expect(matchers, `${panel}: ${name}`).toContainEqual({
            label: 'provider',
            op: '=~',
            value: '$provider',
          });
      }
    }
  });

  it('shows every metric of the catalog', () => {
    const shown = new Set(namesInPanels.map((name) => catalogMetricOf(name)?.name));
    expect([...shown].sort()).toEqual(METRICS.map((metric) => metric.name).sort());
  });
});

/**
 * Against a running hub: each name a panel reads (the histogram's own name for _bucket, _sum and
 * _count) is a `# TYPE` line of /metrics. Until the registry registers the catalog this fails by
 * design: a dashboard of metrics nobody exports would be empty.
 */
describeWithPostgres('the dashboard against /metrics of a running hub (PostgreSQL)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('finds every metric a panel reads', async () => {
    const response = await fetch(`${hub.url}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const exposed = new Set(
      [...(await response.text()).matchAll(/^# TYPE (\S+) \S+$/gm)].map((match) => match[1]),
    );
    // Node's default metrics prove the page was parsed; the catalog's must be there too.
    expect(exposed).toContain('switchboard_process_cpu_user_seconds_total');
    const missing = namesInPanels
      .map((name) => catalogMetricOf(name)?.name ?? name)
      .filter((name) => !exposed.has(name));
    expect([...new Set(missing)]).toEqual([]);
  });
});
