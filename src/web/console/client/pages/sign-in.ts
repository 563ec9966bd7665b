import { TenantsDocument } from '../../../../generated/graphql.js';
import { ApiError, request } from '../api.js';
import { alertBox, h } from '../dom.js';
import { navigate } from '../navigation.js';
import { type OidcSettings, startOidcSignIn } from '../oidc.js';
import { titled } from '../page.js';
import { session } from '../session.js';

/**
 * Sign-in with an operator token (checked with one tenants query before it is kept) or, when an
 * issuer is configured, through OIDC.
 */
export function signInPage(oidc: OidcSettings | null) {
  return ({ main }: { main: HTMLElement }) => {
    const problem = h('div', { 'aria-live': 'assertive' });
    const input = h('input', {
      id: 'operator-token',
      name: 'operator-token',
      type: 'password',
      autocomplete: 'off',
      required: true,
      spellcheck: 'false',
    });
    const form = h(
      'form',
      { class: 'card', novalidate: true },
      h('label', { for: 'operator-token' }, 'Operator token'),
      input,
      h('button', { type: 'submit' }, 'Sign in'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      problem.replaceChildren();
      const token = input.value.trim();
      if (!token) {
        problem.append(alertBox('Enter an operator token.'));
        return input.focus();
      }
      try {
        await request(TenantsDocument, { first: 1 }, undefined, token);
        session.signIn(token);
        navigate('/console/tenants');
      } catch (error) {
        const refused =
          error instanceof ApiError && ['UNAUTHENTICATED', 'FORBIDDEN'].includes(error.code ?? '');
        problem.append(alertBox(refused ? 'The hub refused this token.' : (error as Error).message));
        input.focus();
      }
    });
    const oidcButton = oidc
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () =>
              startOidcSignIn(oidc).catch((error: Error) => problem.append(alertBox(error.message))),
          },
          'Sign in with OIDC',
        )
      : null;
    titled(
      main,
      'Sign in',
      h('p', {}, 'The token is kept in this tab only, until you sign out or close it.'),
      problem,
      form,
      ...(oidcButton ? [h('p', {}, 'Or sign in through your identity provider:'), oidcButton] : []),
    );
  };
}
