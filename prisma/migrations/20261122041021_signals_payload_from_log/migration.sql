-- AlterTable
ALTER TABLE "signals" DROP COLUMN "payload";
