import { describe, expect, it } from 'vitest';
import {
  allowlistEntryProblem,
  isRedirectAllowed,
  normalizeAllowlistEntry,
} from '../../src/shared/redirect-allowlist.js';

describe('redirect allowlist entries', () => {
  it('takes absolute https URLs, and http only on loopback hosts', () => {
    for (const entry of [
      'https://app.example.com',
      'https://app.example.com/oauth',
      'https://app.example.com:8443/oauth/',
      'http://127.0.0.1:3000/cb',
      'http://localhost/cb',
      'http://[::1]:8080/',
    ]) {
      expect(allowlistEntryProblem(entry), entry).toBeNull();
    }
  });

  it('refuses anything else, saying why', () => {
    const problems: Record<string, RegExp> = {
      'app.example.com/oauth': /absolute/,
      '/oauth/done': /absolute/,
      'http://app.example.com/oauth': /https/,
      'javascript:alert(1)': /https/,
      'ftp://app.example.com/': /https/,
      'https://user:pw@app.example.com/': /credentials/,
      'https://app.example.com/oauth?next=1': /query/,
      'https://app.example.com/oauth#done': /fragment/,
      'https://*.example.com/': /host/,
    };
    for (const [entry, problem] of Object.entries(problems)) {
      expect(allowlistEntryProblem(entry), entry).toMatch(problem);
    }
  });

  it('normalizes an entry to its origin and path (host case, default port, trailing slash)', () => {
    expect(normalizeAllowlistEntry('https://App.Example.com:443/oauth/')).toBe(
      'https://app.example.com/oauth',
    );
    expect(normalizeAllowlistEntry('https://app.example.com')).toBe('https://app.example.com/');
  });
});

describe('redirect allowlist matching', () => {
  const allowlist = ['https://app.example.com/oauth', 'http://127.0.0.1:3000/'];
  const allowed = (uri: string) => isRedirectAllowed(new URL(uri), allowlist);

  it('allows the exact origin with the path itself or below it, any query or fragment', () => {
    expect(allowed('https://app.example.com/oauth')).toBe(true);
    expect(allowed('https://app.example.com/oauth/')).toBe(true);
    expect(allowed('https://app.example.com/oauth/done?tenant=acme#top')).toBe(true);
    expect(allowed('https://APP.example.com:443/oauth/done')).toBe(true);
    expect(allowed('http://127.0.0.1:3000/anything/at/all')).toBe(true);
  });

  it('is segment-aware: /oauth does not allow /oauthx', () => {
    expect(allowed('https://app.example.com/oauthx')).toBe(false);
    expect(allowed('https://app.example.com/oauth-evil/done')).toBe(false);
    expect(allowed('https://app.example.com/')).toBe(false);
  });

  it('refuses another scheme, host, subdomain or port', () => {
    expect(allowed('http://app.example.com/oauth')).toBe(false);
    expect(allowed('https://evil.example/oauth')).toBe(false);
    expect(allowed('https://evil.app.example.com/oauth')).toBe(false);
    expect(allowed('https://app.example.com.evil.example/oauth')).toBe(false);
    expect(allowed('https://app.example.com:444/oauth')).toBe(false);
    expect(allowed('http://127.0.0.1:3001/')).toBe(false);
    expect(allowed('http://localhost:3000/')).toBe(false);
  });

  it('judges the path after dot segments are resolved, so ../ cannot climb out of the prefix', () => {
    expect(allowed('https://app.example.com/oauth/../admin')).toBe(false);
    expect(allowed('https://app.example.com/oauth/%2e%2e/admin')).toBe(false);
    expect(allowed('https://app.example.com/oauth/..%2fadmin')).toBe(true); // one odd segment below /oauth
  });

  it('allows nothing with an empty allowlist', () => {
    expect(isRedirectAllowed(new URL('https://app.example.com/oauth'), [])).toBe(false);
  });
});
