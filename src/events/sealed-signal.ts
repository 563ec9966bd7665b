import type { Signal } from '../signals/signal.js';
import { TenantKeyDestroyedError } from '../vault/errors.js';
import type { Sealed } from '../vault/sealed.js';
import { type ContentVault, openJson, sealJson, sealJsonText } from '../vault/sealed-content.js';
import type { SignalBody, SignalContent, SignalHead } from './signal.js';

type Part = 'content' | 'body';

/** A sealed part opens only for its own signal: its id and connection are bound to the ciphertext. */
const binding = (head: Pick<SignalHead, 'id' | 'connectionId'>, part: Part) => [
  head.connectionId,
  'signal',
  head.id,
  part,
];

export interface SealedSignal {
  signal: SignalHead;
  content: Sealed;
  body: Sealed;
}

/**
 * A normalized signal as the log keeps it: the head in the clear, what it says and what the
 * provider sent sealed with the tenant's data key (two parts, so the projection opens only the
 * small one and the payload is decrypted only when someone asks for it). The body is compressed
 * before it is sealed (see SealOptions). `payloadJson`, when given, is the JSON text of the signal's
 * payload (the delivery's bytes): the body is written around it instead of serializing the payload.
 */
export async function sealSignal(
  vault: ContentVault,
  tenantId: string,
  signal: Signal,
  bodyBase64: string | undefined,
  payloadJson?: Buffer,
): Promise<SealedSignal> {
  const { actor, subject, summary, payload, ...head } = signal;
  const content: SignalContent = { actor, subject, summary };
  const bodyBinding = binding(head, 'body');
  const compress = { compress: true };
  const [sealedContent, sealedBody] = await Promise.all([
    sealJson(vault, tenantId, binding(head, 'content'), content),
    payloadJson && payload !== undefined && payload !== null
      ? sealJsonText(vault, tenantId, bodyBinding, bodyJsonAround(payloadJson, bodyBase64), compress)
      : sealJson(vault, tenantId, bodyBinding, bodyOf(payload, bodyBase64), compress),
  ]);
  return { signal: head, content: sealedContent, body: sealedBody };
}

const bodyOf = (payload: unknown, bodyBase64: string | undefined): SignalBody => ({
  payload: payload ?? null,
  ...(bodyBase64 === undefined ? {} : { bodyBase64 }),
});

const BODY_HEAD = Buffer.from('{"payload":');
const BODY_END = Buffer.from('}');

/** bodyOf's JSON, with the payload's text as given (same members, same order). */
function bodyJsonAround(payloadJson: Buffer, bodyBase64: string | undefined): Buffer {
  const tail =
    bodyBase64 === undefined ? BODY_END : Buffer.from(`,"bodyBase64":${JSON.stringify(bodyBase64)}}`);
  return Buffer.concat([BODY_HEAD, payloadJson, tail]);
}

type PartOf<T> = Sealed | { plain: T };

/** What the signal says; null once the tenant's keys are destroyed (its content is gone for good). */
export function openSignalContent(
  vault: ContentVault,
  tenantId: string,
  data: { signal: SignalHead; content: PartOf<SignalContent> },
): Promise<SignalContent | null> {
  return openPart(vault, tenantId, data.signal, 'content', data.content);
}

/** What the provider sent; null once the tenant's keys are destroyed. */
export function openSignalBody(
  vault: ContentVault,
  tenantId: string,
  data: { signal: SignalHead; body: PartOf<SignalBody> },
): Promise<SignalBody | null> {
  return openPart(vault, tenantId, data.signal, 'body', data.body);
}

async function openPart<T>(
  vault: ContentVault,
  tenantId: string,
  head: SignalHead,
  part: Part,
  value: PartOf<T>,
): Promise<T | null> {
  if ('plain' in value) return value.plain;
  try {
    return await openJson<T>(vault, tenantId, binding(head, part), value, { compress: part === 'body' });
  } catch (error) {
    if (error instanceof TenantKeyDestroyedError) return null;
    throw error;
  }
}
