import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An international payment converts the debtor's money into the currency of the transfer: the payment keeps the rate
 * applied (an exact decimal) and what the creditor receives, in that currency. Domestic payments and VRPs have none.
 */
export class InternationalPayments1765300000000 implements MigrationInterface {
  name = 'InternationalPayments1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE \`payment\` ADD \`exchange_rate\` varchar(24) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL,
       ADD \`transfer_amount_minor\` bigint NULL,
       ADD \`transfer_currency\` varchar(3) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE \`payment\` DROP COLUMN \`transfer_currency\`, DROP COLUMN \`transfer_amount_minor\`, DROP COLUMN \`exchange_rate\``,
    );
  }
}
