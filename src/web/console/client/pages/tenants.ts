import { TenantsDocument } from '../../../../generated/graphql.js';
import { request } from '../api.js';
import { alertBox, h, table } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';

export async function tenantsPage({ main }: PageContext): Promise<void> {
  const status = statusLine();
  titled(main, 'Tenants', status);
  status.textContent = 'Loading tenants…';
  try {
    const { tenants } = await request(TenantsDocument, { first: 100 });
    status.textContent = `${tenants.edges.length} tenant(s)${tenants.pageInfo.hasNextPage ? ', first 100 shown' : ''}.`;
    main.append(
      table(
        'Tenants',
        ['Tenant', 'Id', 'Status'],
        tenants.edges.map(({ node }) => [
          h('a', { href: `/console/tenants/${encodeURIComponent(node.id)}/connections` }, node.name),
          h('code', {}, node.id),
          node.status,
        ]),
      ),
    );
  } catch (error) {
    status.textContent = '';
    main.append(alertBox((error as Error).message));
  }
}
