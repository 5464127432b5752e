import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every funds confirmation a card issuer asked and the answer it got (`funds_confirmation`), so that the customer can see
 * each app's checks; read by consent, newest first.
 */
export class FundsConfirmations1765100000000 implements MigrationInterface {
  name = 'FundsConfirmations1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "funds_confirmation" ("id" varchar(40) PRIMARY KEY NOT NULL, "consent_id" varchar(40) NOT NULL, "client_id" varchar(255) NOT NULL, "customer_id" varchar(40) NOT NULL, "reference" varchar(35) NOT NULL, "amount_minor" bigint NOT NULL, "currency" varchar(3) NOT NULL, "funds_available" integer NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_funds_confirmation_consent" ON "funds_confirmation" ("consent_id", "created_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "ix_funds_confirmation_consent"`);
    await runner.query(`DROP TABLE "funds_confirmation"`);
  }
}
