import { type AuditEventFieldsFragment, AuditLogDocument } from '../../../../generated/graphql.js';
import { request } from '../api.js';
import { alertBox, type Child, h, table, when } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';
import { type TenantSection, tenantNav } from '../tenant-nav.js';

interface LogView {
  section: TenantSection;
  title: string;
  types: string[] | null;
  headers: string[];
  row: (event: AuditEventFieldsFragment) => Child[];
}

const auditView: LogView = {
  section: 'audit-log',
  title: 'Audit log',
  types: null,
  headers: ['Time', 'Event', 'Stream', 'Actor', 'Position'],
  row: (event) => [
    when(event.time),
    h('strong', {}, event.type),
    h('code', {}, event.stream),
    event.metadata.actor,
    event.position,
  ],
};

/** Provider calls are facts in the same log (ProviderCallRecorded): method, path shape, status, time. */
const proxyView: LogView = {
  section: 'proxy-calls',
  title: 'Proxy calls',
  types: ['ProviderCallRecorded'],
  headers: ['Started', 'Call', 'Status', 'Attempts', 'Duration', 'Connection'],
  row: (event) => {
    const call = event.data as {
      connectionId: string;
      provider: string;
      kind: string;
      actionId: string | null;
      method: string;
      pathTemplate: string;
      status: number | null;
      errorCode: string | null;
      attempts: number;
      startedAt: string;
      durationMs: { total: number };
    };
    return [
      when(call.startedAt),
      [
        h('strong', {}, `${call.method} ${call.pathTemplate}`),
        h('br'),
        `${call.provider} · ${call.actionId ?? call.kind}`,
      ],
      call.status === null ? (call.errorCode ?? 'no answer') : String(call.status),
      String(call.attempts),
      `${Math.round(call.durationMs.total)} ms`,
      h('code', {}, call.connectionId),
    ];
  },
};

function logPage(view: LogView) {
  return async ({ main, params }: PageContext): Promise<void> => {
    const tenantId = params['tenant']!;
    const status = statusLine();
    const rows = h('div');
    const more = h('button', { type: 'button', hidden: true }, 'Load older');
    titled(main, `${view.title} of ${tenantId}`, tenantNav(tenantId, view.section), status, rows, more);
    let after: string | null = null;
    const load = async () => {
      status.textContent = 'Loading…';
      try {
        const { auditLog } = await request(
          AuditLogDocument,
          { first: 50, after, types: view.types },
          tenantId,
        );
        rows.append(
          table(
            view.title,
            view.headers,
            auditLog.edges.map(({ node }) => view.row(node)),
          ),
        );
        after = auditLog.pageInfo.endCursor ?? null;
        more.hidden = !auditLog.pageInfo.hasNextPage;
        status.textContent = auditLog.edges.length ? '' : 'Nothing recorded yet.';
      } catch (error) {
        status.textContent = '';
        rows.append(alertBox((error as Error).message));
      }
    };
    more.addEventListener('click', load);
    await load();
  };
}

export const auditLogPage = logPage(auditView);
export const proxyCallsPage = logPage(proxyView);
