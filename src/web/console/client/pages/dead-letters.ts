import { WebhookDeadLetterDocument, WebhookDeadLettersDocument } from '../../../../generated/graphql.js';
import { request } from '../api.js';
import { alertBox, h, show, table, when } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';
import { tenantNav } from '../tenant-nav.js';

/** Webhook deliveries the hub parked, and on demand the raw delivery (headers and body) of one. */
export async function deadLettersPage({ main, params }: PageContext): Promise<void> {
  const tenantId = params['tenant']!;
  const status = statusLine();
  const detail = h('section', { 'aria-live': 'polite', 'aria-label': 'Delivery' });
  titled(main, `Webhook dead letters of ${tenantId}`, tenantNav(tenantId, 'dead-letters'), status);
  try {
    const { webhookDeadLetters } = await request(WebhookDeadLettersDocument, { first: 50 }, tenantId);
    const letters = webhookDeadLetters.edges.map((edge) => edge.node);
    status.textContent = letters.length
      ? `${letters.length} dead letter(s), newest first.`
      : 'No dead letters.';
    main.append(
      table(
        'Webhook dead letters',
        ['Received', 'Provider', 'Reason', 'Event', 'Size', 'Delivery'],
        letters.map((letter) => [
          when(letter.receivedAt),
          letter.provider,
          [h('strong', {}, letter.reason), letter.detail ? h('br') : null, letter.detail ?? ''],
          letter.eventType ?? '—',
          `${letter.bodyBytes} bytes`,
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Show the delivery received ${when(letter.receivedAt)}`,
              onclick: () => showDelivery(tenantId, letter.id, detail),
            },
            'Show delivery',
          ),
        ]),
      ),
      detail,
    );
  } catch (error) {
    status.textContent = '';
    main.append(alertBox((error as Error).message));
  }
}

async function showDelivery(tenantId: string, id: string, detail: HTMLElement): Promise<void> {
  show(detail, h('p', { role: 'status' }, 'Loading the delivery…'));
  try {
    const { webhookDeadLetter } = await request(WebhookDeadLetterDocument, { id }, tenantId);
    const delivery = webhookDeadLetter?.delivery;
    if (!delivery) return show(detail, h('p', {}, 'The raw delivery is no longer kept.'));
    show(
      detail,
      h('h2', { tabindex: -1 }, 'Raw delivery'),
      h('h3', {}, 'Headers'),
      h('pre', { tabindex: 0 }, JSON.stringify(delivery.headers, null, 2)),
      h('h3', {}, 'Body'),
      h(
        'pre',
        { tabindex: 0 },
        delivery.body ??
          (delivery.bodyBase64 ? `(not UTF-8; base64) ${delivery.bodyBase64}` : '(not kept: too large)'),
      ),
    );
    detail.querySelector('h2')?.focus();
  } catch (error) {
    show(detail, alertBox((error as Error).message));
  }
}
