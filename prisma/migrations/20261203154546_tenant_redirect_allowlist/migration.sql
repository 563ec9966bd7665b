-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "redirect_allowlist" TEXT[] DEFAULT ARRAY[]::TEXT[];
