import { AuditSealsDocument } from '../../../../generated/graphql.js';
import { request } from '../api.js';
import { alertBox, h, table, when } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';

/** The newest signed seals over the event log (`npm run audit -- verify` checks them). */
export async function auditSealsPage({ main }: PageContext): Promise<void> {
  const status = statusLine();
  titled(main, 'Audit seals', status);
  try {
    const { auditSeals } = await request(AuditSealsDocument, { last: 50 });
    const seals = auditSeals.edges.map((edge) => edge.node).reverse();
    status.textContent = seals.length ? 'The newest seals first.' : 'No seals yet.';
    main.append(
      table(
        'Audit seals',
        ['Revision', 'Sealed', 'Positions', 'Events', 'Root', 'Key'],
        seals.map((seal) => [
          String(seal.revision),
          when(seal.sealedAt),
          `${seal.fromPosition}–${seal.toPosition}`,
          String(seal.count),
          h('code', { class: 'hash' }, seal.root),
          h('code', {}, seal.keyId),
        ]),
      ),
    );
  } catch (error) {
    status.textContent = '';
    main.append(alertBox((error as Error).message));
  }
}
