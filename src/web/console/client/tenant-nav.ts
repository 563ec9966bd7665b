import { h } from './dom.js';

export const TENANT_SECTIONS = [
  ['connections', 'Connections'],
  ['signals', 'Live signals'],
  ['dead-letters', 'Webhook dead letters'],
  ['audit-log', 'Audit log'],
  ['syncs', 'Syncs and drift'],
  ['proxy-calls', 'Proxy calls'],
] as const;

export type TenantSection = (typeof TENANT_SECTIONS)[number][0];

/** The tenant's sections, the current one marked for assistive technology. */
export function tenantNav(tenantId: string, current: TenantSection): HTMLElement {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': `Tenant ${tenantId}` },
    h(
      'ul',
      {},
      TENANT_SECTIONS.map(([section, label]) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `/console/tenants/${encodeURIComponent(tenantId)}/${section}`,
              'aria-current': section === current ? 'page' : null,
            },
            label,
          ),
        ),
      ),
    ),
  );
}
