import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent may now have many payments (a VRP mandate): the one-payment-per-consent key becomes one payment per
 * `InstructionIdentification` of a consent, and a payment records its kind and, for a VRP, the instruction it was sent.
 * A mandate's payments are found by consent and creation time, for the sums over its periods.
 */
export class PaymentInstructions1764800000000 implements MigrationInterface {
  name = 'PaymentInstructions1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "kind" varchar(20) NOT NULL DEFAULT ('domestic')`);
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "instruction_identification" varchar(35)`);
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "instruction" text`);
    await runner.query(`CREATE UNIQUE INDEX "ux_payment_instruction" ON "payment" ("consent_id", "instruction_identification")`);
    await runner.query(`CREATE INDEX "ix_payment_consent_created" ON "payment" ("consent_id", "created_at")`);
    await runner.query(`DROP INDEX "ux_payment_consent"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE UNIQUE INDEX "ux_payment_consent" ON "payment" ("consent_id")`);
    await runner.query(`DROP INDEX "ix_payment_consent_created"`);
    await runner.query(`DROP INDEX "ux_payment_instruction"`);
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "instruction"`);
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "instruction_identification"`);
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "kind"`);
  }
}
