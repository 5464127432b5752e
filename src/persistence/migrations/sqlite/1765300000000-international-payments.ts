import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An international payment converts the debtor's money into the currency of the transfer: the payment keeps the rate
 * applied (an exact decimal) and what the creditor receives, in that currency. Domestic payments and VRPs have none.
 */
export class InternationalPayments1765300000000 implements MigrationInterface {
  name = 'InternationalPayments1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "exchange_rate" varchar(24)`);
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "transfer_amount_minor" bigint`);
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "transfer_currency" varchar(3)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "transfer_currency"`);
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "transfer_amount_minor"`);
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "exchange_rate"`);
  }
}
