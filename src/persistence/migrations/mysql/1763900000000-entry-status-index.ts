import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Index for balances: today's booked movements and pending entries of an account, without a history scan. */
export class EntryStatusIndex1763900000000 implements MigrationInterface {
  name = 'EntryStatusIndex1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX \`ix_ledger_entry_account_status\` ON \`ledger_entry\` (\`account_id\`, \`status\`, \`booked_at\`)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_ledger_entry_account_status\` ON \`ledger_entry\``);
  }
}
