import { AuthenticationRequiredError, TenantScopeRequiredError } from '../auth/errors.js';
import { hasPermission } from '../auth/principal.js';
import { assertMayActOn, mayActOnEveryTenant, requirePermission } from '../auth/tenancy.js';
import { TenantStatus } from '../domain/statuses.js';
import {
  configureRedirectAllowlist,
  registerTenant,
  renameTenant,
  tenantId,
  tenantName,
} from '../tenants/tenant-commands.js';
import { assertPageSize } from './args.js';
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
    redirectAllowlist: t.exposeStringList('redirectAllowlist', {
      description:
        "Where OAuth callbacks may send this tenant's users (origin + path prefix), besides SWITCHBOARD_REDIRECT_ALLOWLIST.",
    }),
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

const ConfigureRedirectAllowlistInput = builder.inputType('ConfigureRedirectAllowlistInput', {
  fields: (t) => ({
    redirectUris: t.stringList({
      required: true,
      description:
        'The whole list, replacing the current one (empty clears it). Each an absolute https URL (http only on loopback): an exact origin and a path prefix, e.g. https://app.example.com/oauth.',
    }),
  }),
});

/** A JWT bound to one tenant (tenant_id claim) administers that tenant only; one bound to none needs tenants:all. */
function assertMayAdminister(context: GraphQLContext, id: string): void {
  if (context.principal === null) throw new AuthenticationRequiredError();
  assertMayActOn(context.principal, id);
}

/** Every tenant for those who may act on every tenant; a tenant-bound token sees its own. */
function listableTenants(context: GraphQLContext): { id?: string } {
  const principal = context.principal;
  if (mayActOnEveryTenant(principal)) return {};
  if (principal?.kind === 'jwt' && principal.tenantId !== null) return { id: principal.tenantId };
  throw new TenantScopeRequiredError({ requestedTenantId: null });
}

const PAGE_SIZES = { defaultSize: 20, maxSize: 100 };

builder.queryFields((t) => ({
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    description: 'The current tenant (X-Tenant-Id).',
    authScopes: { authenticated: true },
    resolve: async (query, _root, _args, context) => {
      const id = await context.tenantId();
      // Tenant's fields are its own columns: Pothos asks for no relation, and the directory's row
      // (read through its cache, checked active by tenantId()) is the answer.
      if (Object.keys(query).length === 0) return context.tenants.find(id);
      return context.prisma.tenant.findUnique({ ...query, where: { id } });
    },
  }),
  tenants: t.prismaConnection({
    type: 'Tenant',
    cursor: 'id',
    ...PAGE_SIZES,
    description: 'Every tenant, by id (operators and tenants:admin).',
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { status: t.arg({ type: TenantStatusEnum, required: false }) },
    resolve: (query, _root, args, context) => {
      assertPageSize(args, PAGE_SIZES.maxSize);
      return context.prisma.tenant.findMany({
        ...query,
        where: { ...(args.status ? { status: args.status } : {}), ...listableTenants(context) },
        orderBy: { id: 'asc' },
      });
    },
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
      await registerTenant(context.execute, id, name);
      context.tenants.forget(id);
      return context.prisma.tenant.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  configureRedirectAllowlist: t.prismaField({
    type: 'Tenant',
    description:
      "Sets where OAuth callbacks may send the current tenant's users: startConnection's redirectUri must match an entry (tenants:admin or connections:write).",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: ConfigureRedirectAllowlistInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      // The tenant's own app backend (connections:write) says where its users come back to.
      if (!hasPermission(context.principal, 'tenants:admin')) {
        requirePermission(context.principal, 'connections:write');
      }
      const id = await context.tenantId();
      await configureRedirectAllowlist(context.execute, id, input.redirectUris);
      // This instance reads the new row at once, whenever the change notice arrives.
      context.tenants.forget(id);
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
      await renameTenant(context.execute, id, name);
      context.tenants.forget(id);
      return context.prisma.tenant.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
