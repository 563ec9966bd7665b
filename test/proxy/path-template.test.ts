import { describe, expect, it } from 'vitest';
import { callRoute } from '../../src/proxy/audit/path-template.js';

/** Concrete paths the proxy forwards (providers' documented routes), and what the audit log keeps. */
const TABLE: Array<[path: string, template: string, queryKeys: string[]]> = [
  ['/repos/octocat/hello-world/issues', '/repos/octocat/hello-world/issues', []],
  [
    '/repos/octocat/hello-world/issues/1347?state=open&per_page=100',
    '/repos/octocat/hello-world/issues/{id}',
    ['per_page', 'state'],
  ],
  ['/repositories/1296269/pulls/42/comments', '/repositories/{id}/pulls/{id}/comments', []],
  ['/api/chat.postMessage', '/api/chat.postMessage', []],
  [
    '/api/conversations.history?channel=C024BE91L&limit=15',
    '/api/conversations.history',
    ['channel', 'limit'],
  ],
  ['/gmail/v1/users/me/messages/18c3a0f2b1d4e5f6', '/gmail/v1/users/me/messages/{id}', []],
  ['/rest/api/3/issue/PROJ-123/transitions', '/rest/api/{id}/issue/{id}/transitions', []],
  ['/v3/company/9130357992204316/invoice?minorversion=75', '/v3/company/{id}/invoice', ['minorversion']],
  ['/v1.0/users/alice@example.com/messages', '/v1.0/users/{id}/messages', []],
  ["/v1.0/users('alice%40example.com')/events", '/v1.0/{id}/events', []],
  ['/rest/v2/tasks/6Jf8VQXxpwv56VQ7/close', '/rest/v2/tasks/{id}/close', []],
  ['/files/123e4567-e89b-12d3-a456-426614174000', '/files/{id}', []],
  ['/commits/da39a3ee5e6b4b0d3255bfef95601890afd80709/', '/commits/{id}/', []],
  ['/drive/v2beta1/files/abc:copy', '/drive/v2beta1/files/{id}', []],
  ['/search?q=secret+words&access_token=xoxb-1-2-3', '/search', ['access_token', 'q']],
  ['/items?a=1&a=2&%F0%9F%94%91=x&b', '/items', ['a', 'b', '{key}']],
  ['/objects/averyveryveryveryveryveryverylongopaquename', '/objects/{id}', []],
  ['/users/octocat#readme', '/users/octocat', []],
  ['/', '/', []],
];

describe('call routes (path templates)', () => {
  it.each(TABLE)('%s → %s', (path, template, queryKeys) => {
    expect(callRoute(path)).toEqual({ pathTemplate: template, queryKeys });
  });

  it('keeps no query value and no segment holding a digit, whatever the path', () => {
    const { pathTemplate, queryKeys } = callRoute('/a/b1/c/2/d?token=zzsecretzz&x=1');
    expect(pathTemplate).toBe('/a/{id}/c/{id}/d');
    expect(JSON.stringify(queryKeys)).not.toContain('zzsecretzz');
  });

  it("uses a caller's declared template, with its named placeholders, and still reduces values in it", () => {
    expect(callRoute('/repos/octocat/hello-world/issues', '/repos/{owner}/{repo}/issues')).toEqual({
      pathTemplate: '/repos/{owner}/{repo}/issues',
      queryKeys: [],
    });
    expect(callRoute('/x?state=open', '/repos/{owner}/12345/issues?state=open').pathTemplate).toBe(
      '/repos/{owner}/{id}/issues',
    );
  });

  it('cuts a path too long to be a route to one placeholder', () => {
    const { pathTemplate } = callRoute(`/${'segment/'.repeat(300)}end`);
    expect(pathTemplate.length).toBeLessThanOrEqual(1024);
    expect(pathTemplate.endsWith('/{rest}')).toBe(true);
  });
});
