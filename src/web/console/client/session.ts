/**
 * The operator's credential lives in this tab's sessionStorage only: it dies with the tab, other
 * tabs and later visits do not see it, and it is never a cookie the browser would send on its own.
 */
const TOKEN_KEY = 'switchboard.console.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};
