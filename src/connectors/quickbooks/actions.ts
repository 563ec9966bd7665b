import { z } from 'zod';
import { ActionError, defineAction } from '../sdk/action.js';

/**
 * QuickBooks Online's actions, over the Accounting API (base URL with the connection's {realmId}):
 * - Create an invoice: https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 *   (`POST /invoice?minorversion=75` with CustomerRef and SalesItemLineDetail lines → 200
 *   `{Invoice: {Id, DocNumber, TotalAmt, Balance, ...}, time}`). Failures are 400 with a Fault body
 *   `{Fault: {Error: [{Message, Detail, code}], type: "ValidationFault"}}`; the codes named below
 *   are from https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes.
 * - Idempotency: the `requestid` query parameter makes a repeated create answer the first result
 *   (https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#idempotency), so
 *   the caller's idempotency key goes there.
 */
const MINOR_VERSION = '75';

const fault = z.object({
  Fault: z.object({
    Error: z.array(
      z.object({
        Message: z.string().optional(),
        Detail: z.string().optional(),
        code: z.string().optional(),
      }),
    ),
    type: z.string().optional(),
  }),
});

const created = z.object({
  Invoice: z.object({
    Id: z.string(),
    DocNumber: z.string().optional(),
    TotalAmt: z.number(),
    Balance: z.number().optional(),
  }),
});

const FAULT_CODES: Readonly<Record<string, string>> = {
  '610': 'REFERENCE_INACTIVE',
  '2500': 'INVALID_REFERENCE',
  '6140': 'DUPLICATE_DOCUMENT_NUMBER',
};

const money = z.number().positive().max(99_999_999_999).multipleOf(0.01);

export const quickbooksCreateInvoice = defineAction({
  id: 'quickbooks.create_invoice',
  version: 1,
  description:
    'Create an invoice for an existing QuickBooks customer, one line per product or service (item). Use it to bill a customer; it does not email the invoice. Pass an idempotencyKey: QuickBooks then creates it once even if the call is repeated.',
  input: z.object({
    customerId: z.string().regex(/^\d+$/).describe('The customer’s QuickBooks id (CustomerRef.value).'),
    lines: z
      .array(
        z.object({
          itemId: z.string().regex(/^\d+$/).describe('The product or service id (ItemRef.value).'),
          quantity: z.number().positive().max(1_000_000),
          unitPrice: money,
          description: z.string().max(4000).optional(),
        }),
      )
      .min(1)
      .max(250),
    dueDate: z.iso.date().optional().describe('YYYY-MM-DD; the customer’s terms decide when omitted.'),
    docNumber: z
      .string()
      .max(21)
      .optional()
      .describe('The invoice number; QuickBooks assigns one when omitted.'),
  }),
  output: z.object({
    id: z.string().describe('The invoice id.'),
    docNumber: z.string().nullable().describe('The invoice number.'),
    totalAmount: z.number(),
    balance: z.number().nullable(),
  }),
  scopes: ['accounting.write'],
  hints: { readOnly: false, destructive: false, idempotent: false },
  errors: [
    {
      code: 'REFERENCE_INACTIVE',
      description: 'The customer or an item is inactive or does not exist (Fault 610).',
    },
    { code: 'INVALID_REFERENCE', description: 'The customer or an item id is not valid (Fault 2500).' },
    { code: 'DUPLICATE_DOCUMENT_NUMBER', description: 'The invoice number is already used (Fault 6140).' },
    { code: 'VALIDATION_FAULT', description: 'QuickBooks refused the invoice (the message says why).' },
  ],
  // At most 50 characters (Intuit's RequestID rule).
  idempotency: { query: 'requestid', maxLength: 50 },
  async run(ctx, input) {
    const response = await ctx.http.request({
      method: 'POST',
      path: '/invoice',
      query: { minorversion: MINOR_VERSION },
      json: {
        CustomerRef: { value: input.customerId },
        Line: input.lines.map((line) => ({
          DetailType: 'SalesItemLineDetail',
          // QuickBooks checks Amount = Qty × UnitPrice, in cents.
          Amount: Math.round(line.quantity * line.unitPrice * 100) / 100,
          Description: line.description,
          SalesItemLineDetail: {
            ItemRef: { value: line.itemId },
            Qty: line.quantity,
            UnitPrice: line.unitPrice,
          },
        })),
        DueDate: input.dueDate,
        DocNumber: input.docNumber,
      },
      accept: [400],
    });
    if (response.status === 400) {
      const error = fault.safeParse(response.body).data?.Fault.Error[0];
      const code = (error?.code && FAULT_CODES[error.code]) ?? 'VALIDATION_FAULT';
      throw new ActionError(code, error?.Detail ?? error?.Message ?? 'QuickBooks refused the invoice', {
        providerStatus: 400,
      });
    }
    const invoice = created.parse(response.body).Invoice;
    return {
      id: invoice.Id,
      docNumber: invoice.DocNumber ?? null,
      totalAmount: invoice.TotalAmt,
      balance: invoice.Balance ?? null,
    };
  },
});

export const QUICKBOOKS_ACTIONS = [quickbooksCreateInvoice];
