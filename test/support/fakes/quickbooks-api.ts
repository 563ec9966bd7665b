/**
 * QuickBooks Online's invoice create on loopback for the create_invoice action.
 *
 * Built from https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 * ("Create an invoice": `POST /v3/company/{realmId}/invoice` with CustomerRef and
 * SalesItemLineDetail lines; the answer `{Invoice: {...}, time}` with the sample company's customer
 * "Amy's Bird Sanctuary" and item "Services", a SubTotalLine appended, Id, SyncToken, DocNumber,
 * TotalAmt and Balance), the Fault body of
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 * (`{Fault: {Error: [{Message, Detail, code, element}], type: "ValidationFault"}, time}`, 610 for an
 * inactive or missing object), and Intuit's RequestID rule (a repeated `requestid` gets the first
 * answer without a second invoice; https://blogs.intuit.com/2015/04/06/15346/).
 *
 * Fake's own choices: customers and items exist by id only (1 and 2 of each are seeded), DocNumber
 * counts from 1037, and Amount must equal Qty × UnitPrice to the cent (QuickBooks' rule, fault
 * 6070 in the fake); taxes are left out (TotalTax 0).
 */
import { bearerOf, type FakeReply, type FakeRequest, startLoopbackServer } from './loopback-server.js';

export interface QuickbooksApiFake {
  /** The API base for the connection's realm: `http://127.0.0.1:<port>/v3/company/<realm>`. */
  url: string;
  realmId: string;
  token: string;
  /** Invoices created, as answered. */
  invoices: Record<string, unknown>[];
  /** Every create request: its requestid and minorversion. */
  requests: { requestId: string | null; minorVersion: string | null; status: number }[];
  deactivateItem(id: string): void;
  close(): Promise<void>;
}

const CUSTOMERS: Record<string, string> = { '1': "Amy's Bird Sanctuary", '2': "Bill's Windsurf Shop" };

const faultReply = (code: string, message: string, detail: string): FakeReply => ({
  status: 400,
  body: {
    Fault: { Error: [{ Message: message, Detail: detail, code, element: '' }], type: 'ValidationFault' },
    time: new Date().toISOString(),
  },
});

export async function startQuickbooksApiFake(
  options: { realmId?: string; token?: string } = {},
): Promise<QuickbooksApiFake> {
  const realmId = options.realmId ?? '9130357992222222';
  const token = options.token ?? 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.fake-quickbooks';
  const items = new Map([
    ['1', { name: 'Services', active: true }],
    ['2', { name: 'Hours', active: true }],
  ]);
  const invoices: Record<string, unknown>[] = [];
  const requests: QuickbooksApiFake['requests'] = [];
  const byRequestId = new Map<string, FakeReply>();
  let nextId = 239;
  let nextDocNumber = 1037;

  const create = (request: FakeRequest): FakeReply => {
    const body = JSON.parse(request.body || '{}') as {
      CustomerRef?: { value?: string };
      Line?: Array<{
        Amount?: number;
        DetailType?: string;
        Description?: string;
        SalesItemLineDetail?: { ItemRef?: { value?: string }; Qty?: number; UnitPrice?: number };
      }>;
      DueDate?: string;
      DocNumber?: string;
    };
    const customer = body.CustomerRef?.value;
    if (!customer || !CUSTOMERS[customer])
      return faultReply(
        '610',
        'Object Not Found',
        "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
      );
    const lines = body.Line ?? [];
    if (lines.length === 0)
      return faultReply(
        '6000',
        'A business validation error has occurred while processing your request',
        'Business Validation Error: You must fill out at least one split line.',
      );
    let total = 0;
    const rendered = [];
    for (const [index, line] of lines.entries()) {
      const detail = line.SalesItemLineDetail;
      const item = items.get(detail?.ItemRef?.value ?? '');
      if (!item?.active)
        return faultReply(
          '610',
          'Object Not Found',
          "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
        );
      const expected = Math.round((detail?.Qty ?? 1) * (detail?.UnitPrice ?? 0) * 100) / 100;
      if (line.Amount !== expected)
        return faultReply(
          '6070',
          'Amount is not equal to UnitPrice * Qty',
          `Amount is not equal to UnitPrice * Qty. Supplied value:${line.Amount}`,
        );
      total += expected;
      rendered.push({
        Id: String(index + 1),
        LineNum: index + 1,
        ...(line.Description ? { Description: line.Description } : {}),
        Amount: expected,
        DetailType: 'SalesItemLineDetail',
        SalesItemLineDetail: {
          ItemRef: { value: detail!.ItemRef!.value, name: item.name },
          UnitPrice: detail?.UnitPrice,
          Qty: detail?.Qty,
          TaxCodeRef: { value: 'NON' },
        },
      });
    }
    total = Math.round(total * 100) / 100;
    const now = new Date();
    const txnDate = now.toISOString().slice(0, 10);
    const invoice = {
      AllowIPNPayment: false,
      AllowOnlinePayment: false,
      AllowOnlineCreditCardPayment: false,
      AllowOnlineACHPayment: false,
      domain: 'QBO',
      sparse: false,
      Id: String(nextId++),
      SyncToken: '0',
      MetaData: { CreateTime: now.toISOString(), LastUpdatedTime: now.toISOString() },
      CustomField: [],
      DocNumber: body.DocNumber ?? String(nextDocNumber++),
      TxnDate: txnDate,
      CurrencyRef: { value: 'USD', name: 'United States Dollar' },
      LinkedTxn: [],
      Line: [...rendered, { Amount: total, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} }],
      TxnTaxDetail: { TotalTax: 0 },
      CustomerRef: { value: customer, name: CUSTOMERS[customer] },
      DueDate: body.DueDate ?? txnDate,
      TotalAmt: total,
      ApplyTaxAfterDiscount: false,
      PrintStatus: 'NeedToPrint',
      EmailStatus: 'NotSet',
      Balance: total,
    };
    invoices.push(invoice);
    return { status: 200, body: { Invoice: invoice, time: now.toISOString() } };
  };

  const prefix = `/v3/company/${realmId}`;
  const server = await startLoopbackServer((request) => {
    if (bearerOf(request) !== token)
      return {
        status: 401,
        body: {
          fault: {
            error: [
              {
                message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
                detail: 'Token revoked',
                code: '3200',
              },
            ],
            type: 'AUTHENTICATION',
          },
        },
      };
    if (request.method !== 'POST' || request.pathname !== `${prefix}/invoice`)
      return {
        status: 404,
        body: { Fault: { Error: [{ Message: 'Not found', code: '404' }], type: 'SystemFault' } },
      };
    const requestId = request.query.get('requestid');
    const earlier = requestId === null ? undefined : byRequestId.get(requestId);
    const reply = earlier ?? create(request);
    if (requestId !== null) byRequestId.set(requestId, reply);
    requests.push({ requestId, minorVersion: request.query.get('minorversion'), status: reply.status });
    return reply;
  });
  return {
    url: `${server.origin}${prefix}`,
    realmId,
    token,
    invoices,
    requests,
    deactivateItem(id) {
      const item = items.get(id);
      if (item) item.active = false;
    },
    close: () => server.close(),
  };
}
