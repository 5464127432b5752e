import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments: the `payment` table (one per consent) and the partners' idempotency keys. */
export class Payments1764000000000 implements MigrationInterface {
  name = 'Payments1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "payment" ("id" varchar(40) PRIMARY KEY NOT NULL, "consent_id" varchar(40) NOT NULL, "client_id" varchar(255) NOT NULL, "customer_id" varchar(40) NOT NULL, "debtor_account_id" varchar(40) NOT NULL, "status" varchar(4) NOT NULL, "status_reason_code" varchar(4), "status_reason_description" varchar(500), "amount_minor" bigint NOT NULL, "charges_minor" bigint NOT NULL, "currency" varchar(3) NOT NULL, "local_instrument" varchar(40) NOT NULL, "route" varchar(10) NOT NULL, "creditor_account_id" varchar(40), "creditor_identification" varchar(64) NOT NULL, "settle_after" datetime, "created_at" datetime NOT NULL, "status_updated_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE UNIQUE INDEX "ux_payment_consent" ON "payment" ("consent_id")`);
    await runner.query(`CREATE INDEX "ix_payment_customer" ON "payment" ("customer_id", "created_at", "status")`);
    await runner.query(`CREATE INDEX "ix_payment_client" ON "payment" ("client_id", "created_at", "status")`);
    await runner.query(`CREATE INDEX "ix_payment_payee" ON "payment" ("customer_id", "creditor_identification")`);
    await runner.query(`CREATE INDEX "ix_payment_settlement" ON "payment" ("status", "settle_after")`);
    await runner.query(
      `CREATE TABLE "idempotency_key" ("client_id" varchar(255) NOT NULL, "operation" varchar(32) NOT NULL, "key_hash" varchar(64) NOT NULL, "request_hash" varchar(64) NOT NULL, "resource_id" varchar(40) NOT NULL, "created_at" datetime NOT NULL, PRIMARY KEY ("client_id", "operation", "key_hash"))`,
    );
    await runner.query(`CREATE INDEX "ix_idempotency_key_created" ON "idempotency_key" ("created_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "ix_idempotency_key_created"`);
    await runner.query(`DROP TABLE "idempotency_key"`);
    await runner.query(`DROP INDEX "ix_payment_settlement"`);
    await runner.query(`DROP INDEX "ix_payment_payee"`);
    await runner.query(`DROP INDEX "ix_payment_client"`);
    await runner.query(`DROP INDEX "ix_payment_customer"`);
    await runner.query(`DROP INDEX "ux_payment_consent"`);
    await runner.query(`DROP TABLE "payment"`);
  }
}
