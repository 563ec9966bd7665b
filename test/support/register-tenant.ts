import { CurrentTenantDocument, RegisterTenantDocument } from '../../src/generated/graphql.js';
import { asOperator, type TestHub } from './hub.js';

/**
 * Registers a tenant and waits until queries see it. On a loaded machine the mutation's own
 * read-your-writes wait may run out (a retryable error) although the tenant was registered.
 */
export async function registerTenant(hub: TestHub, id: string, timeoutMs = 30_000): Promise<void> {
  await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
  const deadline = Date.now() + timeoutMs;
  while ((await hub.request(CurrentTenantDocument, {}, asOperator(id))).data?.tenant?.id !== id) {
    if (Date.now() > deadline) throw new Error(`tenant ${id} did not become visible in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
