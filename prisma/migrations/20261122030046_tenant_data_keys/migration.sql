-- CreateEnum
CREATE TYPE "tenant_data_key_state" AS ENUM ('ACTIVE', 'RETIRED', 'DESTROYED');

-- CreateTable
CREATE TABLE "tenant_data_keys" (
    "key_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "wrapped_key" BYTEA,
    "master_key_id" TEXT,
    "state" "tenant_data_key_state" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "retired_at" TIMESTAMP(3),
    "destroyed_at" TIMESTAMP(3),

    CONSTRAINT "tenant_data_keys_pkey" PRIMARY KEY ("key_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenant_data_keys_tenant_id_generation_key" ON "tenant_data_keys"("tenant_id", "generation");

-- Hand-written (Prisma does not model CHECK constraints and leaves them out of its diffs):
-- crypto-shredding is only real when a destroyed key keeps no key material; a live key without
-- its material, or without the master key that can unwrap it, could not decrypt anything.
ALTER TABLE "tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_key_material_check"
    CHECK (("state" = 'DESTROYED') = ("wrapped_key" IS NULL)
       AND ("wrapped_key" IS NULL OR "master_key_id" IS NOT NULL));
