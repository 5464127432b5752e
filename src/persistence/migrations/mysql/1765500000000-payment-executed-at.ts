import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each payment was decided (`executed_at`): the risk limits count a customer's payments of the day and of the
 * velocity window, and a partner's, by it — a scheduled payment or a standing order's payment counts on the day it ran,
 * not the day it was ordered. Payments already decided get their due time (those that waited) or their creation time;
 * pending and cancelled ones stay null. The two risk indexes move from `created_at` to it; the customer's also holds
 * the currency and amounts, so the sum of the day's payments is read from the index alone (no row lookup per payment).
 */
export class PaymentExecutedAt1765500000000 implements MigrationInterface {
  name = 'PaymentExecutedAt1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE \`payment\` ADD \`executed_at\` datetime(3) NULL`);
    await runner.query(`UPDATE \`payment\` SET \`executed_at\` = COALESCE(\`due_at\`, \`created_at\`) WHERE \`status\` NOT IN ('PDNG', 'CANC')`);
    await runner.query(`DROP INDEX \`ix_payment_customer\` ON \`payment\``);
    await runner.query(
      `CREATE INDEX \`ix_payment_customer\` ON \`payment\` (\`customer_id\`, \`executed_at\`, \`status\`, \`currency\`, \`amount_minor\`, \`charges_minor\`)`,
    );
    await runner.query(`DROP INDEX \`ix_payment_client\` ON \`payment\``);
    await runner.query(`CREATE INDEX \`ix_payment_client\` ON \`payment\` (\`client_id\`, \`executed_at\`, \`status\`)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_payment_client\` ON \`payment\``);
    await runner.query(`CREATE INDEX \`ix_payment_client\` ON \`payment\` (\`client_id\`, \`created_at\`, \`status\`)`);
    await runner.query(`DROP INDEX \`ix_payment_customer\` ON \`payment\``);
    await runner.query(`CREATE INDEX \`ix_payment_customer\` ON \`payment\` (\`customer_id\`, \`created_at\`, \`status\`)`);
    await runner.query(`ALTER TABLE \`payment\` DROP COLUMN \`executed_at\``);
  }
}
