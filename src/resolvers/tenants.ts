import { randomBytes } from 'node:crypto';
import { ForbiddenError } from '../auth/errors.js';
import { tenantDecider } from '../domain/tenant.js';
import { BadUserInputError } from '../errors.js';
import { tenantIdSchema } from '../events/streams.js';
import { tenantStream } from '../events/tenant.js';
import { READ_MODEL } from '../projections/names.js';
import { TenantStatus } from '../projections/tenants.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';

const TenantStatusEnum = builder.enumType('TenantStatus', { values: Object.values(TenantStatus) });

export const Tenant = builder.prismaObject('Tenant', {
  description:
    'An organisation whose connections, signals and events Switchboard keeps apart from every other.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    status: t.field({ type: TenantStatusEnum, resolve: (tenant) => tenant.status as TenantStatus }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
  }),
});

const RegisterTenantInput = builder.inputType('RegisterTenantInput', {
  fields: (t) => ({
    id: t.id({
      required: false,
      description: 'Lowercase letters, digits, _ and -; generated from the name when omitted.',
    }),
    name: t.string({ required: true }),
  }),
});

const RenameTenantInput = builder.inputType('RenameTenantInput', {
  fields: (t) => ({ id: t.id({ required: true }), name: t.string({ required: true }) }),
});

function tenantName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200)
    throw new BadUserInputError('A tenant name is 1 to 200 characters');
  return trimmed;
}

function tenantId(id: string | number | null | undefined, name: string): string {
  if (id === null || id === undefined) {
    const slug =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'tenant';
    return `${slug}-${randomBytes(3).toString('hex')}`;
  }
  const parsed = tenantIdSchema.safeParse(String(id));
  if (!parsed.success)
    throw new BadUserInputError(`Invalid tenant id: ${parsed.error.issues[0]?.message}`, { field: 'id' });
  return parsed.data;
}

/** A JWT bound to one tenant (tenant_id claim) administers that tenant only. */
function assertMayAdminister(context: GraphQLContext, id: string): void {
  const principal = context.principal;
  if (principal?.kind === 'jwt' && principal.tenantId !== null && principal.tenantId !== id) {
    throw new ForbiddenError('This token is bound to another tenant');
  }
}

builder.queryFields((t) => ({
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    description: 'The current tenant (X-Tenant-Id).',
    authScopes: { authenticated: true },
    resolve: async (query, _root, _args, context) =>
      context.prisma.tenant.findUnique({ ...query, where: { id: await context.tenantId() } }),
  }),
  tenants: t.prismaConnection({
    type: 'Tenant',
    cursor: 'id',
    description: 'Every tenant, by id (operators and tenants:admin).',
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { status: t.arg({ type: TenantStatusEnum, required: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.tenant.findMany({
        ...query,
        where: {
          ...(args.status ? { status: args.status } : {}),
          ...(context.principal?.kind === 'jwt' && context.principal.tenantId
            ? { id: context.principal.tenantId }
            : {}),
        },
        orderBy: { id: 'asc' },
      }),
  }),
}));

builder.mutationFields((t) => ({
  registerTenant: t.prismaField({
    type: 'Tenant',
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { input: t.arg({ type: RegisterTenantInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const name = tenantName(input.name);
      const id = tenantId(input.id, name);
      assertMayAdminister(context, id);
      await context.execute(
        { tenantId: id, stream: tenantStream(id) },
        tenantDecider,
        { type: 'RegisterTenant', tenantId: id, name },
        { waitFor: [READ_MODEL.tenants] },
      );
      return context.prisma.tenant.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  renameTenant: t.prismaField({
    type: 'Tenant',
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { input: t.arg({ type: RenameTenantInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = tenantId(input.id, '');
      assertMayAdminister(context, id);
      const name = tenantName(input.name);
      await context.execute(
        { tenantId: id, stream: tenantStream(id) },
        tenantDecider,
        { type: 'RenameTenant', tenantId: id, name },
        { waitFor: [READ_MODEL.tenants] },
      );
      return context.prisma.tenant.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
