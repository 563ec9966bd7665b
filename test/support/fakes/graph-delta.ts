/**
 * Delta rounds as Microsoft Graph runs them (https://learn.microsoft.com/graph/delta-query-overview):
 * a round is a chain of pages linked by `@odata.nextLink` ($skiptoken) that ends with an
 * `@odata.deltaLink` ($deltatoken); a delta link starts the next round, which lists what changed
 * since the round that issued it. State tokens are opaque; the query of the first request lives in
 * them, so later requests carry none.
 *
 * A round's items are fixed when it starts, and its delta link covers changes from that moment:
 * something changed while the client pages shows up in the next round, never nowhere.
 */
import { randomBytes } from 'node:crypto';

/** What a round lists: `since` null for the first (every live item), else what changed after it. */
export interface RoundQuery<Scope> {
  since: number | null;
  scope: Scope;
}

interface OpenRound<Scope> {
  items: unknown[];
  offset: number;
  next: RoundQuery<Scope>;
}

export type TokenLookup<Scope> =
  | { kind: 'page'; round: OpenRound<Scope> }
  | { kind: 'delta'; query: RoundQuery<Scope> }
  | { kind: 'unknown' };

const stateToken = () => randomBytes(24).toString('base64url');

/** The state tokens one resource's delta function has issued. */
export class DeltaTokens<Scope> {
  private readonly skipTokens = new Map<string, OpenRound<Scope>>();
  private readonly deltaTokens = new Map<string, RoundQuery<Scope>>();

  lookup(params: URLSearchParams): TokenLookup<Scope> | null {
    const skip = params.get('$skiptoken');
    if (skip !== null) {
      const round = this.skipTokens.get(skip);
      return round ? { kind: 'page', round } : { kind: 'unknown' };
    }
    const delta = params.get('$deltatoken');
    if (delta !== null) {
      const query = this.deltaTokens.get(delta);
      return query ? { kind: 'delta', query } : { kind: 'unknown' };
    }
    return null;
  }

  /** Starts a round: its items now, and the query the round's delta link will run. */
  open(items: unknown[], next: RoundQuery<Scope>): OpenRound<Scope> {
    return { items, offset: 0, next };
  }

  /** The page at the round's offset, with the link to what follows (`$skiptoken` or `$deltatoken`). */
  page(round: OpenRound<Scope>, pageSize: number, link: (token: string, kind: 'skip' | 'delta') => string) {
    const value = round.items.slice(round.offset, round.offset + pageSize);
    const rest: OpenRound<Scope> = { ...round, offset: round.offset + value.length };
    if (rest.offset < round.items.length) {
      const token = stateToken();
      this.skipTokens.set(token, rest);
      return { value, '@odata.nextLink': link(token, 'skip') };
    }
    const token = stateToken();
    this.deltaTokens.set(token, round.next);
    return { value, '@odata.deltaLink': link(token, 'delta') };
  }

  /** Forgets every delta link issued so far (expiry, a tenant migration). */
  expire(): void {
    this.deltaTokens.clear();
  }
}
