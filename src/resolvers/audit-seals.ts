import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import type { AuditProof, AuditVerifyReport, ChainedSeal, PublishedKey } from '../audit/index.js';
import { EventNotInLogError, eventAt } from '../audit/index.js';
import { ForbiddenError } from '../auth/errors.js';
import { parseStreamName } from '../events/streams.js';
import { BadUserInputError } from '../shared/errors.js';
import { positionCursor, resolvePage, takeUntil } from './args.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';

const AuditSeal = builder.objectRef<ChainedSeal>('AuditSeal').implement({
  description:
    'A signed seal over a range of the event log: the RFC 6962 Merkle root of every event with a position in [fromPosition, toPosition], chained to the previous seal and signed with Ed25519.',
  fields: (t) => ({
    revision: t.field({
      type: 'BigInt',
      description: 'Place in the seal chain (0 = first).',
      resolve: (s) => s.revision,
    }),
    position: t.field({
      type: 'BigInt',
      description: "The seal event's own position in the log.",
      resolve: (s) => s.position,
    }),
    fromPosition: t.field({ type: 'BigInt', resolve: (s) => BigInt(s.seal.fromPosition) }),
    toPosition: t.field({ type: 'BigInt', resolve: (s) => BigInt(s.seal.toPosition) }),
    count: t.int({ description: 'Events in the range.', resolve: (s) => s.seal.count }),
    root: t.string({ description: 'Merkle root, hex.', resolve: (s) => s.seal.root }),
    previousRoot: t.string({ nullable: true, resolve: (s) => s.seal.previousRoot }),
    leafFormat: t.string({ resolve: (s) => s.seal.leafFormat }),
    keyId: t.string({ description: 'RFC 7638 thumbprint of the signing key.', resolve: (s) => s.seal.keyId }),
    signature: t.string({ description: 'Ed25519 signature, base64url.', resolve: (s) => s.seal.signature }),
    sealedAt: t.field({ type: 'DateTime', resolve: (s) => new Date(s.seal.sealedAt) }),
  }),
});

const AuditKey = builder.objectRef<PublishedKey>('AuditKey').implement({
  description: 'A public key that signed audit seals, as published in the log.',
  fields: (t) => ({
    keyId: t.exposeString('keyId'),
    publicKey: t.field({ type: 'JSON', description: 'JWK (OKP, Ed25519).', resolve: (k) => k.publicKey }),
    adoptedAt: t.field({ type: 'DateTime', resolve: (k) => new Date(k.adoptedAt) }),
  }),
});

const AuditProofType = builder.objectRef<AuditProof>('AuditProof').implement({
  description:
    "An event's inclusion proof: with the event, its seal and the seal's public key, anyone can check it offline (scripts/verify-audit-proof.mjs).",
  fields: (t) => ({
    position: t.field({ type: 'BigInt', resolve: (p) => BigInt(p.position) }),
    leafIndex: t.exposeInt('leafIndex'),
    treeSize: t.exposeInt('treeSize'),
    leafHash: t.exposeString('leafHash'),
    auditPath: t.exposeStringList('auditPath'),
    seal: t.field({
      type: AuditSeal,
      resolve: (p) => {
        const { revision, position, ...seal } = p.seal;
        return { revision: BigInt(revision), position: BigInt(position), seal };
      },
    }),
  }),
});

type Problem = AuditVerifyReport['problems'][number];
const AuditProblemType = builder.objectRef<Problem>('AuditProblem').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', {
      description:
        'EVENT_CHANGED, EVENT_MISSING, EVENT_ADDED, EVENTS_REORDERED, RANGE_CHANGED, CHAIN_BROKEN, BAD_SIGNATURE or UNKNOWN_KEY.',
    }),
    sealRevision: t.field({ type: 'BigInt', resolve: (p) => BigInt(p.sealRevision) }),
    fromPosition: t.field({ type: 'BigInt', resolve: (p) => BigInt(p.fromPosition) }),
    toPosition: t.field({ type: 'BigInt', resolve: (p) => BigInt(p.toPosition) }),
    position: t.field({
      type: 'BigInt',
      nullable: true,
      resolve: (p) => (p.position === null ? null : BigInt(p.position)),
    }),
    message: t.exposeString('message'),
  }),
});

const AuditVerifyReportType = builder.objectRef<AuditVerifyReport>('AuditVerifyReport').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    sealsChecked: t.exposeInt('sealsChecked'),
    eventsChecked: t.exposeInt('eventsChecked'),
    verifiedThrough: t.field({
      type: 'BigInt',
      nullable: true,
      resolve: (r) => (r.verifiedThrough === null ? null : BigInt(r.verifiedThrough)),
    }),
    unsealedEvents: t.exposeInt('unsealedEvents', {
      description: 'Events after the last seal: not covered yet.',
    }),
    problems: t.field({ type: [AuditProblemType], resolve: (r) => r.problems }),
  }),
});

/** A tenant may prove its own events only; an operator any event. */
async function assertMayProve(context: GraphQLContext, position: bigint): Promise<void> {
  if (context.principal?.kind === 'operator') return;
  const tenantId = await context.tenantId();
  const event = await eventAt(context.eventStore, position);
  if (event && parseStreamName(event.stream)?.tenantId === tenantId) return;
  // The same answer whether the position is another tenant's or no event at all.
  throw new ForbiddenError('No event of the current tenant is at that position');
}

builder.queryFields((t) => ({
  auditSeals: t.connection({
    type: AuditSeal,
    description: 'The chain of audit seals over the event log, oldest first (audit:read).',
    authScopes: { permission: 'audit:read' },
    resolve: (_root, args, context) =>
      resolvePage(
        { args, toCursor: (seal: ChainedSeal) => String(seal.revision), defaultSize: 50, maxSize: 500 },
        async ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          const afterRevision = positionCursor(after, 'after');
          const beforeRevision = positionCursor(before, 'before');
          if (inverted) {
            const last = await context.audit.seals.last();
            const end = beforeRevision === undefined ? last?.revision : beforeRevision - 1n;
            if (end === undefined || end < 0n) return [];
            const start = end - BigInt(limit) + 1n > 0n ? end - BigInt(limit) + 1n : 0n;
            const page = await takeUntil(
              context.audit.seals.from(start, Number(end - start + 1n)),
              () => false,
            );
            return page
              .filter((seal) => afterRevision === undefined || seal.revision > afterRevision)
              .reverse();
          }
          const from = afterRevision === undefined ? 0n : afterRevision + 1n;
          return takeUntil(
            context.audit.seals.from(from, limit),
            (seal) => beforeRevision !== undefined && seal.revision >= beforeRevision,
          );
        },
      ),
  }),
  auditKeys: t.field({
    type: [AuditKey],
    description:
      'Every public key that signed audit seals (audit:read). Also at /.well-known/switchboard-audit-keys.',
    authScopes: { permission: 'audit:read' },
    resolve: async (_root, _args, context) => [...(await context.audit.seals.keys()).values()],
  }),
  auditProof: t.field({
    type: AuditProofType,
    description:
      "The inclusion proof of the event at a log position: the current tenant's events, any event for operators (audit:read). NOT_SEALED until a seal covers it.",
    authScopes: { permission: 'audit:read' },
    args: { position: t.arg({ type: 'BigInt', required: true }) },
    resolve: async (_root, args, context) => {
      if (args.position < 0n)
        throw new BadUserInputError('position must be 0 or more', { field: 'position' });
      await assertMayProve(context, args.position);
      try {
        return await context.audit.proof(args.position);
      } catch (error) {
        if (error instanceof EventNotInLogError)
          throw new ForbiddenError('No event of the current tenant is at that position');
        throw error;
      }
    },
  }),
  auditVerify: t.field({
    type: AuditVerifyReportType,
    description:
      'Recomputes every sealed range (or those reaching into [from, to]) from the event store and checks chain, signatures, counts and roots (operators). Reads the whole range: minutes for millions of events; `npm run audit -- verify` does the same from a shell.',
    authScopes: { operator: true },
    args: {
      from: t.arg({ type: 'BigInt', required: false }),
      to: t.arg({ type: 'BigInt', required: false }),
    },
    resolve: (_root, args, context) =>
      context.audit.verify({ from: args.from ?? undefined, to: args.to ?? undefined }),
  }),
}));
