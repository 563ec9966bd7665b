import { MINIMUM_SERVER_VERSION } from '../../eventstore/kurrentdb/server-version.js';
import { METRICS } from '../../observability/metrics/catalog.js';
import type { AlertLink } from './alert-links.js';
import { bullets, code, heading, table } from './markdown.js';
import { HUB_SECTIONS, type HubSection } from './sections.js';
import { VERIFY_FAILURE_FIXES } from './verify-failures.js';

const BODIES: Record<HubSection, string> = {
  'projection-lag': [
    'Projections fold the event log into read models; one instance at a time writes them (a leader lease). Lag is the age of the oldest event a projection has not applied.',
    '',
    bullets([
      `${code('npm run projections -- status')} shows each projection's position, the head, its lag, its state and its parked events.`,
      `Every projection lagging together: the leader is gone or stuck (its lease expires and another instance takes over within seconds), or the read-model database is slow. Check ${code('/readyz')} (${code('checks.projections')}) on each instance and PostgreSQL's load.`,
      'One projection lagging: a burst of its events (a backfill, a big sync) it is working through, or events it retries before parking them. Watch whether the lag shrinks.',
      'While a projection lags, mutations that wait for their read model time out and live subscribers see nothing new; nothing is lost: the log has it all.',
    ]),
  ].join('\n'),
  'projection-stopped': [
    `A projection whose rule is ${code("onPoison: 'stop'")} stopped on an event it cannot apply (${code('ProjectionStopped')} in ${code('projection-_global.<projection>')}); the other projections and every mutation go on.`,
    '',
    bullets([
      `${code('npm run projections -- status')} names the event (position, type, stream) and the error.`,
      `Fix the cause, then ${code('npm run projections -- retry <projection>')} restarts it; or ${code('npm run projections -- skip <projection> <position>')} lets it go on without that event (recorded in the log for auditors).`,
    ]),
  ].join('\n'),
  'dead-letters': [
    'Dead letters wait for an operator. Age matters more than count: an old one is a delivery or run nobody looked at.',
    '',
    table(
      ['kind', 'what', 'look', 'act'],
      [
        [
          code('webhook'),
          'a signed delivery that could not become a signal (not JSON, no event type), or one no connection holds',
          `${code('webhookDeadLetters(connectionId: "...")')}, ${code('webhookDeadLetter(id: "...") { delivery { headers body } }')}`,
          'fix the connector or the routing; the provider may redeliver',
        ],
        [
          code('sync'),
          'a sync run parked because retrying cannot help or it failed too often',
          code('syncDeadLetters(connectionId: "...")'),
          `fix the cause (see the provider's runbook), then ${code('approveSyncReplay(id: "...")')}`,
        ],
      ],
    ),
    '',
    `Projection dead letters (events a projection parked) are listed by ${code('npm run projections -- status')} and retried with ${code('npm run projections -- retry <projection>')}.`,
  ].join('\n'),
  'webhook-verify-failures': [
    "Each provider's runbook says its exact header, algorithm and where its secret lives (section Webhook signature mismatches). The `reason` label says which check failed:",
    '',
    table(
      ['reason', 'usually'],
      Object.entries(VERIFY_FAILURE_FIXES).map(([reason, fix]) => [code(reason), fix]),
    ),
  ].join('\n'),
  kurrentdb: [
    `With ${code('EVENTSTORE_URL=kurrentdb://…')} (or ${code('esdb://…')}) the log is in KurrentDB. ${code('ping')} at startup and in ${code('/readyz')} checks the server's version and reads one event of ${code('$all')}, so a wrong setting below fails startup and ${code('checks.eventStore')} rather than the first projection. README, KurrentDB in production, says why each of these matters.`,
    '',
    table(
      ['setting', 'what the hub needs', 'when it is wrong'],
      [
        [
          'server version',
          `KurrentDB / EventStoreDB ${MINIMUM_SERVER_VERSION} or later (checked against 24.10, 25.0 and 25.1)`,
          'startup refuses the server, naming its version: older servers never end a catch-up with CaughtUp',
        ],
        [
          'connection string',
          `a cluster as ${code('kurrentdb+discover://node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader')}; reads ask for the leader whatever the preference`,
          'a read a follower refuses is asked again of the new leader once; a dropped subscription is reopened with backoff (100 ms to 5 s), and reported after about 6 s of drops',
        ],
        [
          'TLS',
          `${code('tls=true')}, with ${code('tlsCAFile=/path/ca.pem')} for a private CA (${code('tlsVerifyCert=false')} only in a lab)`,
          'every call fails as unavailable (a DependencyError): check the CA and the certificate names',
        ],
        [
          `a user that reads ${code('$all')}`,
          `${code('$admins')}, or an ACL granting ${code('$all')} read: projections, audit seals and exports read it`,
          `${code('/readyz')} fails on the ${code('$all')} read even where user streams are readable`,
        ],
        [
          'append size',
          `${code('MaxAppendSize')} at its default or above (1 MiB on 24.x and 25.0, 256 MiB from 25.1); the hub keeps each append within 1 MiB`,
          `a lower limit refuses some appends as ${code('APPEND_TOO_LARGE')} (413, not retried); webhook deliveries then dead-letter or answer 413`,
        ],
        [
          'receipt streams',
          `${code('eventids-<tenant>.<id>-<digest>')}: one small stream per deduplicated event; keep them (no ${code('$maxAge')} on them)`,
          'without them a redelivery the server no longer remembers is appended a second time',
        ],
      ],
    ),
  ].join('\n'),
  metrics: [
    'Every metric the hub exports at /metrics (src/observability/metrics/catalog.ts). Histograms expose `_bucket`, `_sum` and `_count`.',
    '',
    table(
      ['metric', 'type', 'labels', 'meaning'],
      METRICS.map((metric) => [
        code(metric.name),
        metric.type,
        metric.labels.map(code).join(', '),
        metric.help,
      ]),
    ),
  ].join('\n'),
};

/** docs/runbooks/hub.md: what is not one provider's (projections, dead letters, the metric list). */
export function hubRunbook(alerts: readonly AlertLink[]): string {
  const sections = (Object.keys(HUB_SECTIONS) as HubSection[]).map((section) => {
    const named = alerts.filter((alert) => alert.runbook === 'hub' && alert.anchor === section);
    const metrics = [...new Set(named.flatMap((alert) => alert.metrics))];
    const links = named.length
      ? `\n\nAlerts: ${named.map((alert) => `${code(alert.alert)} (${alert.severity})`).join(', ')}. Metrics: ${metrics.map(code).join(', ')}.`
      : '';
    return `${heading(section, HUB_SECTIONS[section])}\n\n${BODIES[section]}${links}`;
  });
  return [
    '# Hub runbook',
    '',
    '<!-- Generated by `npm run runbooks` from src/cli/runbooks, the metric catalog and deploy/prometheus/alerts.yml. Do not edit. -->',
    '',
    'What concerns the whole hub rather than one provider. Provider runbooks: [index](README.md).',
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}
