import {
  ConfigureWebhookDocument,
  type ConnectionFieldsFragment,
  ConnectionsDocument,
  RefreshConnectionDocument,
  RevokeConnectionDocument,
} from '../../../../generated/graphql.js';
import { request } from '../api.js';
import { alertBox, confirmDialog, h, show, table, when } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';
import { tenantNav } from '../tenant-nav.js';

/** A tenant's connections with their state, and the three things an operator does to one. */
export async function connectionsPage({ main, params }: PageContext): Promise<void> {
  const tenantId = params['tenant']!;
  const status = statusLine();
  const notices = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  titled(main, `Connections of ${tenantId}`, tenantNav(tenantId, 'connections'), status, notices, list);

  const render = (connections: ConnectionFieldsFragment[]) =>
    show(
      list,
      table(
        'Connections',
        ['Connection', 'Status', 'Scopes', 'Expires', 'Last refresh', 'Actions'],
        connections.map((connection) => [
          [
            h('strong', {}, connection.displayName ?? connection.provider),
            h('br'),
            h('code', {}, connection.id),
            h('br'),
            `${connection.provider} · ${connection.authMode}`,
          ],
          h('span', { class: `badge ${connection.status.toLowerCase()}` }, connection.status),
          connection.scopes.length ? connection.scopes.join(' ') : '—',
          when(connection.expiresAt),
          when(connection.lastRefreshedAt),
          actions(connection),
        ]),
      ),
    );

  const act = async (label: string, run: () => Promise<string>) => {
    notices.replaceChildren();
    status.textContent = `${label}…`;
    try {
      const message = await run();
      status.textContent = message;
      await load();
    } catch (error) {
      status.textContent = '';
      notices.append(alertBox(`${label} failed: ${(error as Error).message}`));
    }
  };

  const actions = (connection: ConnectionFieldsFragment) => {
    const name = connection.displayName ?? connection.provider;
    const revoked = connection.status === 'REVOKED';
    return h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          disabled: revoked || connection.authMode === 'API_KEY' || connection.authMode === 'BASIC',
          'aria-label': `Refresh ${name}`,
          onclick: () =>
            act(`Refreshing ${name}`, async () => {
              await request(RefreshConnectionDocument, { id: connection.id }, tenantId);
              return `${name} refreshed.`;
            }),
        },
        'Refresh',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: revoked,
          'aria-label': `Rotate webhook secret of ${name}`,
          onclick: async () => {
            const sure = await confirmDialog(
              `Rotate the webhook secret of ${name}?`,
              'Deliveries signed with the current secret are refused once the provider has the new one.',
              'Rotate secret',
            );
            if (!sure) return;
            await act(`Rotating the webhook secret of ${name}`, async () => {
              const { configureWebhook } = await request(
                ConfigureWebhookDocument,
                { input: { connectionId: connection.id } },
                tenantId,
              );
              notices.append(secretNotice(configureWebhook.url, configureWebhook.secret));
              return `New webhook secret for ${name} (shown once, below).`;
            });
          },
        },
        'Rotate webhook secret',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          disabled: revoked,
          'aria-label': `Revoke ${name}`,
          onclick: async () => {
            const sure = await confirmDialog(
              `Revoke ${name}?`,
              'The grant is revoked at the provider where it can be, and the credentials are destroyed. This cannot be undone.',
              'Revoke',
            );
            if (!sure) return;
            await act(`Revoking ${name}`, async () => {
              const { revokeConnection } = await request(
                RevokeConnectionDocument,
                { id: connection.id },
                tenantId,
              );
              return `${name} is ${revokeConnection.status}.`;
            });
          },
        },
        'Revoke',
      ),
    );
  };

  const load = async () => {
    const { connections } = await request(ConnectionsDocument, { first: 100 }, tenantId);
    render(connections.edges.map((edge) => edge.node));
    if (!connections.edges.length) list.append(h('p', {}, 'This tenant has no connections.'));
  };

  status.textContent = 'Loading connections…';
  try {
    await load();
    status.textContent = '';
  } catch (error) {
    status.textContent = '';
    notices.append(alertBox((error as Error).message));
  }
}

const secretNotice = (url: string, secret: string) =>
  h(
    'div',
    { class: 'card' },
    h('p', {}, 'Give the provider this URL and secret. The secret is not shown again.'),
    h(
      'dl',
      {},
      h('dt', {}, 'Webhook URL'),
      h('dd', {}, h('code', {}, url)),
      h('dt', {}, 'Secret'),
      h('dd', {}, h('code', {}, secret)),
    ),
  );
