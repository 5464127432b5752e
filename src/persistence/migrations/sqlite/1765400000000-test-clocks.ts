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
      `CREATE TABLE "test_clock" ("id" varchar(40) PRIMARY KEY NOT NULL, "client_id" varchar(255) NOT NULL, "name" varchar(100), "frozen_time" datetime NOT NULL, "advancing_until" datetime, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_test_clock_client" ON "test_clock" ("client_id", "created_at")`);
    await runner.query(`ALTER TABLE "consent" ADD COLUMN "test_clock_id" varchar(40)`);
    await runner.query(`CREATE INDEX "ix_consent_test_clock" ON "consent" ("test_clock_id")`);
    await runner.query(`ALTER TABLE "payment" ADD COLUMN "test_clock_id" varchar(40)`);
    await runner.query(`CREATE INDEX "ix_payment_test_clock" ON "payment" ("test_clock_id", "status", "due_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "ix_payment_test_clock"`);
    await runner.query(`ALTER TABLE "payment" DROP COLUMN "test_clock_id"`);
    await runner.query(`DROP INDEX "ix_consent_test_clock"`);
    await runner.query(`ALTER TABLE "consent" DROP COLUMN "test_clock_id"`);
    await runner.query(`DROP INDEX "ix_test_clock_client"`);
    await runner.query(`DROP TABLE "test_clock"`);
  }
}
