import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sandbox test clocks: `test_clock` (an app's clocks, listed by app), and the clock a scheduled payment or standing
 * order consent is attached to, copied onto its payments (`test_clock_id`, null on the bank's own time): the clock's
 * queue of pending payments is read from an index on (test_clock_id, status, due_at).
 */
export class TestClocks1765400000000 implements MigrationInterface {
  name = 'TestClocks1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE \`test_clock\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`name\` varchar(100) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`frozen_time\` datetime(3) NOT NULL, \`advancing_until\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_test_clock_client\` (\`client_id\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(`ALTER TABLE \`consent\` ADD \`test_clock_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL`);
    await runner.query(`CREATE INDEX \`ix_consent_test_clock\` ON \`consent\` (\`test_clock_id\`)`);
    await runner.query(`ALTER TABLE \`payment\` ADD \`test_clock_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL`);
    await runner.query(`CREATE INDEX \`ix_payment_test_clock\` ON \`payment\` (\`test_clock_id\`, \`status\`, \`due_at\`)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_payment_test_clock\` ON \`payment\``);
    await runner.query(`ALTER TABLE \`payment\` DROP COLUMN \`test_clock_id\``);
    await runner.query(`DROP INDEX \`ix_consent_test_clock\` ON \`consent\``);
    await runner.query(`ALTER TABLE \`consent\` DROP COLUMN \`test_clock_id\``);
    await runner.query(`DROP TABLE \`test_clock\``);
  }
}
