-- AlterTable
ALTER TABLE "connections" ADD COLUMN     "connection_values" JSONB NOT NULL DEFAULT '{}';
