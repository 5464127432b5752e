import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled payments: a payment may wait (`PDNG`) until it is due (`due_at`, its `RequestedExecutionDateTime`); the
 * scheduler reads its queue of pending payments by due time from an index on (status, due_at).
 */
export class ScheduledPayments1765200000000 implements MigrationInterface {
  name = 'ScheduledPayments1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE \`payment\` ADD \`due_at\` datetime(3) NULL`);
    await runner.query(`CREATE INDEX \`ix_payment_due\` ON \`payment\` (\`status\`, \`due_at\`)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_payment_due\` ON \`payment\``);
    await runner.query(`ALTER TABLE \`payment\` DROP COLUMN \`due_at\``);
  }
}
