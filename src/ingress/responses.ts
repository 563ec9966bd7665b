/** What the gateway answers; the HTTP layer sends it as is. */
export interface GatewayResponse {
  status: number;
  contentType: string;
  body: string;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Content Too Large',
  503: 'Service Unavailable',
};

/** RFC 9457 problem+json, like every REST route (http/problem.ts). */
export function problem(
  status: number,
  code: string,
  detail: string,
  requestId: string,
  extra: Record<string, unknown> = {},
): GatewayResponse {
  return {
    status,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      type: 'about:blank',
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      requestId,
      ...extra,
    }),
  };
}

/** 200 once the delivery is in the log (or was already): providers retry anything else. */
export function acknowledged(outcome: 'accepted' | 'duplicate', signals: readonly string[]): GatewayResponse {
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ status: outcome, signals }),
  };
}
