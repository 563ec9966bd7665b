import {
  LiveSignalsDocument,
  type SignalFieldsFragment,
  SignalsDocument,
} from '../../../../generated/graphql.js';
import { request, subscribe, subscriptionClient } from '../api.js';
import { alertBox, h, when } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';
import { tenantNav } from '../tenant-nav.js';

/**
 * The tenant's latest signals, then every new one as it arrives over graphql-ws. The subscription
 * resumes after the newest signal shown, so one that lands between the query and the subscription
 * is replayed rather than missed.
 */
export async function signalsPage({ main, params, onLeave }: PageContext): Promise<void> {
  const tenantId = params['tenant']!;
  const status = statusLine();
  const connection = h('p', {}, 'Live connection: ', h('strong', { id: 'live-status' }, 'Not connected'));
  const problems = h('div', { 'aria-live': 'assertive' });
  const list = h('ol', { class: 'feed', 'aria-label': 'Signals, newest first', 'aria-live': 'polite' });
  titled(
    main,
    `Live signals of ${tenantId}`,
    tenantNav(tenantId, 'signals'),
    connection,
    status,
    problems,
    list,
  );

  let newestCursor: string | null = null;
  try {
    status.textContent = 'Loading recent signals…';
    const { signals } = await request(SignalsDocument, { first: 25 }, tenantId);
    newestCursor = signals.edges[0]?.node.cursor ?? null;
    for (const { node } of signals.edges) list.append(signalItem(node));
    status.textContent = signals.edges.length ? '' : 'No signals yet; new ones appear here as they arrive.';
  } catch (error) {
    status.textContent = '';
    problems.append(alertBox((error as Error).message));
    return;
  }

  const client = subscriptionClient(tenantId, (state) => {
    const element = main.querySelector('#live-status');
    if (element) element.textContent = state;
  });
  const stop = subscribe(
    client,
    LiveSignalsDocument,
    { after: newestCursor },
    ({ signals }) => {
      status.textContent = '';
      list.prepend(signalItem(signals));
    },
    (message) => problems.append(alertBox(message)),
  );
  onLeave(() => {
    stop();
    void client.dispose();
  });
}

function signalItem(signal: SignalFieldsFragment): HTMLElement {
  return h(
    'li',
    { class: 'card signal' },
    h('p', {}, h('strong', {}, signal.kind), ' · ', signal.provider, ' · ', when(signal.occurredAt)),
    h('p', {}, signal.summary),
    signal.subject ? h('p', {}, `${signal.subject.type} ${signal.subject.title ?? signal.subject.id}`) : null,
    h(
      'p',
      { class: 'muted' },
      'Connection ',
      h('code', {}, signal.connectionId),
      signal.actor ? ` · by ${signal.actor.name ?? signal.actor.id}` : '',
    ),
  );
}
