import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { print } from 'graphql/language/printer.js';
import { type Client, createClient } from 'graphql-ws';
import { session } from './session.js';

/** A GraphQL error the console shows in words, with the hub's stable code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Called when the hub refuses the credential: the console goes back to sign-in. */
let onUnauthenticated: () => void = () => {};
export const whenUnauthenticated = (handler: () => void) => {
  onUnauthenticated = handler;
};

const printed = new WeakMap<object, string>();
const queryText = (document: DocumentNode): string => {
  let text = printed.get(document);
  if (!text) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
};

/**
 * One operation of the public GraphQL API over HTTP, typed by the codegen documents Core uses.
 * Tenant-scoped operations name their tenant in X-Tenant-Id, as any other client does.
 */
export async function request<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  tenantId?: string,
  token = session.token(),
): Promise<Result> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
    },
    body: JSON.stringify({ query: queryText(document), variables }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: Result | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const error = body?.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    // The kept credential stopped working; a token being tried at sign-in is the sign-in's to report.
    if (code === 'UNAUTHENTICATED' && token !== null && token === session.token()) onUnauthenticated();
    throw new ApiError(error.message, code);
  }
  if (!body?.data) throw new ApiError(`The hub answered ${response.status} without data.`, undefined);
  return body.data;
}

/** A graphql-ws client for one tenant, authenticated at connection_init like any subscriber. */
export function subscriptionClient(tenantId: string, onStatus: (status: string) => void): Client {
  const url = new URL('/graphql', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({
    url: url.href,
    connectionParams: () => ({ authorization: `Bearer ${session.token() ?? ''}`, tenantId }),
    retryAttempts: 5,
    // A credential the hub refused (4401) is not retried: the operator signs in again.
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4401),
  });
  client.on('connecting', () => onStatus('Connecting…'));
  client.on('connected', () => onStatus('Live'));
  client.on('closed', (event) => {
    if (event instanceof CloseEvent && event.code === 4401) onUnauthenticated();
    onStatus('Disconnected');
  });
  return client;
}

export function subscribe<Result, Variables>(
  client: Client,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  onData: (data: Result) => void,
  onError: (message: string) => void,
): () => void {
  return client.subscribe<Result>(
    { query: queryText(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors.map((error) => error.message).join('; '));
        else if (result.data) onData(result.data);
      },
      error: (error) => onError(error instanceof Error ? error.message : 'The live connection failed.'),
      complete: () => {},
    },
  );
}
