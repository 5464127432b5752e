import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Initial schema (sqlite): oidc-provider state, replay guard, server keys, customers, accounts, the
 * double-entry ledger, consents and partners. Generated from the entities, then reviewed; the migration test
 * proves entities and migrations agree.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "oidc_model" ("model" varchar(40) NOT NULL, "id" varchar(255) NOT NULL, "payload" text NOT NULL, "grant_id" varchar(255), "user_code" varchar(255), "uid" varchar(255), "expires_at" datetime, "consumed_at" datetime, PRIMARY KEY ("model", "id"))`,
    );
    await runner.query(`CREATE INDEX "ix_oidc_model_grant" ON "oidc_model" ("model", "grant_id") `);
    await runner.query(`CREATE UNIQUE INDEX "ux_oidc_model_uid" ON "oidc_model" ("model", "uid") `);
    await runner.query(`CREATE UNIQUE INDEX "ux_oidc_model_user_code" ON "oidc_model" ("model", "user_code") `);
    await runner.query(`CREATE INDEX "ix_oidc_model_expires" ON "oidc_model" ("expires_at") `);
    await runner.query(
      `CREATE TABLE "replay_guard" ("scope" varchar(32) NOT NULL, "marker" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, PRIMARY KEY ("scope", "marker"))`,
    );
    await runner.query(`CREATE INDEX "ix_replay_guard_expires" ON "replay_guard" ("expires_at") `);
    await runner.query(
      `CREATE TABLE "server_key" ("id" varchar(64) PRIMARY KEY NOT NULL, "purpose" varchar(16) NOT NULL, "material" text NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_server_key_purpose" ON "server_key" ("purpose", "created_at") `);
    await runner.query(
      `CREATE TABLE "customer" ("id" varchar(40) PRIMARY KEY NOT NULL, "username" varchar(64) NOT NULL, "display_name" varchar(140) NOT NULL, "password_hash" varchar(255) NOT NULL, "failed_login_count" integer NOT NULL DEFAULT (0), "locked_until" datetime, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE UNIQUE INDEX "ux_customer_username" ON "customer" ("username") `);
    await runner.query(
      `CREATE TABLE "account" ("id" varchar(40) PRIMARY KEY NOT NULL, "customer_id" varchar(40), "bank_purpose" varchar(20), "currency" varchar(3) NOT NULL, "account_type" varchar(10) NOT NULL, "account_sub_type" varchar(4) NOT NULL, "nickname" varchar(70), "description" varchar(35), "opening_date" varchar(10) NOT NULL, "status" varchar(10) NOT NULL, "overdraft_limit_minor" bigint NOT NULL DEFAULT (0), "balance_minor" bigint NOT NULL DEFAULT (0), "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_account_customer" ON "account" ("customer_id", "opening_date") `);
    await runner.query(`CREATE INDEX "ix_account_bank_purpose" ON "account" ("bank_purpose", "currency") `);
    await runner.query(
      `CREATE TABLE "account_identification" ("account_id" varchar(40) NOT NULL, "scheme_name" varchar(40) NOT NULL, "identification" varchar(64) NOT NULL, "name" varchar(350), "secondary_identification" varchar(34), PRIMARY KEY ("account_id", "scheme_name"))`,
    );
    await runner.query(`CREATE UNIQUE INDEX "ux_account_identification_scheme" ON "account_identification" ("scheme_name", "identification") `);
    await runner.query(
      `CREATE TABLE "ledger_transfer" ("id" varchar(40) PRIMARY KEY NOT NULL, "kind" varchar(20) NOT NULL, "currency" varchar(3) NOT NULL, "reference" varchar(140) NOT NULL, "status" varchar(4) NOT NULL, "booked_at" datetime NOT NULL, "value_at" datetime NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(
      `CREATE TABLE "ledger_entry" ("id" varchar(48) PRIMARY KEY NOT NULL, "transfer_id" varchar(40) NOT NULL, "account_id" varchar(40) NOT NULL, "amount_minor" bigint NOT NULL, "currency" varchar(3) NOT NULL, "status" varchar(4) NOT NULL, "booked_at" datetime NOT NULL, "value_at" datetime NOT NULL, "information" varchar(500) NOT NULL, "counterparty_name" varchar(140), "counterparty_scheme_name" varchar(40), "counterparty_identification" varchar(64), "balance_after_minor" bigint)`,
    );
    await runner.query(`CREATE INDEX "ix_ledger_entry_account_booked" ON "ledger_entry" ("account_id", "booked_at", "id") `);
    await runner.query(`CREATE INDEX "ix_ledger_entry_transfer" ON "ledger_entry" ("transfer_id") `);
    await runner.query(
      `CREATE TABLE "consent" ("id" varchar(40) PRIMARY KEY NOT NULL, "kind" varchar(20) NOT NULL, "client_id" varchar(255) NOT NULL, "status" varchar(4) NOT NULL, "status_reason_code" varchar(4), "status_reason_description" varchar(500), "permissions" text NOT NULL, "expires_at" datetime, "transaction_from_at" datetime, "transaction_to_at" datetime, "customer_id" varchar(40), "grant_id" varchar(255), "authorised_at" datetime, "created_at" datetime NOT NULL, "status_updated_at" datetime NOT NULL, "request" text NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_consent_client" ON "consent" ("client_id", "created_at") `);
    await runner.query(`CREATE INDEX "ix_consent_customer" ON "consent" ("customer_id", "created_at") `);
    await runner.query(`CREATE UNIQUE INDEX "ux_consent_grant" ON "consent" ("grant_id") `);
    await runner.query(
      `CREATE TABLE "consent_account" ("consent_id" varchar(40) NOT NULL, "account_id" varchar(40) NOT NULL, PRIMARY KEY ("consent_id", "account_id"))`,
    );
    await runner.query(
      `CREATE TABLE "partner" ("id" varchar(40) PRIMARY KEY NOT NULL, "name" varchar(140) NOT NULL, "status" varchar(16) NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(
      `CREATE TABLE "software" ("client_id" varchar(255) PRIMARY KEY NOT NULL, "partner_id" varchar(40) NOT NULL, "name" varchar(140) NOT NULL, "roles" text NOT NULL, "environment" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_software_partner" ON "software" ("partner_id") `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "ix_software_partner"`);
    await runner.query(`DROP TABLE "software"`);
    await runner.query(`DROP TABLE "partner"`);
    await runner.query(`DROP TABLE "consent_account"`);
    await runner.query(`DROP INDEX "ux_consent_grant"`);
    await runner.query(`DROP INDEX "ix_consent_customer"`);
    await runner.query(`DROP INDEX "ix_consent_client"`);
    await runner.query(`DROP TABLE "consent"`);
    await runner.query(`DROP INDEX "ix_ledger_entry_transfer"`);
    await runner.query(`DROP INDEX "ix_ledger_entry_account_booked"`);
    await runner.query(`DROP TABLE "ledger_entry"`);
    await runner.query(`DROP TABLE "ledger_transfer"`);
    await runner.query(`DROP INDEX "ux_account_identification_scheme"`);
    await runner.query(`DROP TABLE "account_identification"`);
    await runner.query(`DROP INDEX "ix_account_bank_purpose"`);
    await runner.query(`DROP INDEX "ix_account_customer"`);
    await runner.query(`DROP TABLE "account"`);
    await runner.query(`DROP INDEX "ux_customer_username"`);
    await runner.query(`DROP TABLE "customer"`);
    await runner.query(`DROP INDEX "ix_server_key_purpose"`);
    await runner.query(`DROP TABLE "server_key"`);
    await runner.query(`DROP INDEX "ix_replay_guard_expires"`);
    await runner.query(`DROP TABLE "replay_guard"`);
    await runner.query(`DROP INDEX "ix_oidc_model_expires"`);
    await runner.query(`DROP INDEX "ux_oidc_model_user_code"`);
    await runner.query(`DROP INDEX "ux_oidc_model_uid"`);
    await runner.query(`DROP INDEX "ix_oidc_model_grant"`);
    await runner.query(`DROP TABLE "oidc_model"`);
  }
}
