import {
  ConnectionsDocument,
  DriftChecksDocument,
  type SyncFieldsFragment,
  SyncRunsDocument,
  SyncsDocument,
} from '../../../../generated/graphql.js';
import { request } from '../api.js';
import { alertBox, h, show, table, when } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';
import { tenantNav } from '../tenant-nav.js';

/** One connection's syncs (state, schedule, records), each with its latest runs and drift checks. */
export async function syncsPage({ main, params }: PageContext): Promise<void> {
  const tenantId = params['tenant']!;
  const status = statusLine();
  const detail = h('div');
  titled(main, `Syncs and drift of ${tenantId}`, tenantNav(tenantId, 'syncs'), status);
  try {
    const { connections } = await request(ConnectionsDocument, { first: 100 }, tenantId);
    if (!connections.edges.length) {
      status.textContent = 'This tenant has no connections.';
      return;
    }
    const select = h(
      'select',
      { id: 'sync-connection' },
      connections.edges.map(({ node }) =>
        h('option', { value: node.id }, `${node.displayName ?? node.provider} (${node.id})`),
      ),
    );
    select.addEventListener('change', () => showSyncs(tenantId, select.value, detail, status));
    main.append(
      h('p', { class: 'field' }, h('label', { for: 'sync-connection' }, 'Connection'), select),
      detail,
    );
    await showSyncs(tenantId, select.value, detail, status);
  } catch (error) {
    main.append(alertBox((error as Error).message));
  }
}

async function showSyncs(tenantId: string, connectionId: string, detail: HTMLElement, status: HTMLElement) {
  status.textContent = 'Loading syncs…';
  show(detail);
  try {
    const { syncs } = await request(SyncsDocument, { connectionId }, tenantId);
    status.textContent = syncs.length ? '' : 'This connection has no syncs.';
    for (const sync of syncs) detail.append(await syncSection(tenantId, sync));
  } catch (error) {
    status.textContent = '';
    detail.append(alertBox((error as Error).message));
  }
}

async function syncSection(tenantId: string, sync: SyncFieldsFragment): Promise<HTMLElement> {
  const variables = { connectionId: sync.connectionId, resource: sync.resource, first: 5 };
  const [{ syncRuns }, { driftChecks }] = await Promise.all([
    request(SyncRunsDocument, variables, tenantId),
    request(DriftChecksDocument, variables, tenantId),
  ]);
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, `${sync.resource} (${sync.provider})`),
    h(
      'p',
      {},
      `${sync.status}${sync.pausedReason ? ` (${sync.pausedReason})` : ''} · ${sync.recordCount} records · every ${sync.frequency} · last run ${when(sync.lastRunAt)} · next ${when(sync.nextRunAt)}`,
    ),
    sync.lastError ? alertBox(sync.lastError) : null,
    table(
      `Latest runs of ${sync.resource}`,
      ['Scheduled', 'Status', 'Reason', 'Changes', 'Error'],
      syncRuns.edges.map(({ node }) => [
        when(node.scheduledAt),
        node.status,
        node.reason,
        `+${node.added} ~${node.updated} -${node.deleted}`,
        node.error ?? '',
      ]),
    ),
    table(
      `Drift checks of ${sync.resource}`,
      ['Started', 'Status', 'Missing', 'Extra', 'Changed', 'Repaired'],
      driftChecks.edges.map(({ node }) => [
        when(node.startedAt),
        node.status,
        String(node.missing),
        String(node.extra),
        String(node.changed),
        String(node.repaired),
      ]),
    ),
  );
}
