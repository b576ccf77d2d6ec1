-- AlterTable
ALTER TABLE "campaign" ADD COLUMN     "property_expression" TEXT;
