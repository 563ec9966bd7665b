import { formsOf, type Landing, type TestBrowser } from './test-browser.js';

export interface SignInOptions {
  /** oidc-provider's dev login accepts any login and password; the login becomes the account id. */
  login?: string;
  /** `cancel` clicks "[ Cancel ]" on the first page, which ends the interaction with access_denied. */
  decision?: 'approve' | 'cancel';
}

/**
 * Walks oidc-provider's development interactions (its own HTML login and consent pages, enabled
 * with `features: { devInteractions: { enabled: true } }`) the way a person would: open the
 * authorization URL, fill the login form, press Continue on the consent form, and return the
 * redirect back to the client.
 */
export async function signInThroughProviderPages(
  browser: TestBrowser,
  authorizationUrl: string,
  options: SignInOptions = {},
): Promise<URL> {
  let landing: Landing = await browser.open(authorizationUrl);
  for (let step = 0; step < 6; step++) {
    if (landing.kind === 'callback') return landing.url;
    const { page } = landing;
    if (options.decision === 'cancel') {
      landing = await browser.follow(page, '[ Cancel ]');
      continue;
    }
    const form = formsOf(page).find((candidate) => candidate.fields['prompt'] !== undefined);
    if (!form) {
      throw new Error(
        `no interaction form at ${page.url.pathname} (HTTP ${page.status}): ${page.html.slice(0, 300)}`,
      );
    }
    landing =
      form.fields['prompt'] === 'login'
        ? await browser.submit(form, { login: options.login ?? 'alice', password: 'any password' })
        : await browser.submit(form);
  }
  throw new Error('the provider never redirected back to the client');
}
