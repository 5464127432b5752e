import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner onboarding and customer self-service: portal users, browser sessions, the sandbox mailbox, the API call
 * log, a consent's last use, sandbox vs live customers, and apps that carry their OAuth metadata, software id,
 * origin, registration and version. Clients move from `oidc_model` into `software.client_metadata`. The sandbox
 * seed's customers (`cus_sandbox_…`) become sandbox customers; every other customer is live, so existing apps
 * (all sandbox apps) reach them only once an operator approves them. An app row without a client (none can
 * exist: both were always written together) is dropped.
 */
export class PartnerOnboarding1764100000000 implements MigrationInterface {
  name = 'PartnerOnboarding1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "partner_user" ("id" varchar(40) PRIMARY KEY NOT NULL, "partner_id" varchar(40) NOT NULL, "email" varchar(254) NOT NULL, "password_hash" varchar(255) NOT NULL, "email_confirmed_at" datetime, "email_token_hash" varchar(64), "email_token_expires_at" datetime, "failed_login_count" integer NOT NULL DEFAULT (0), "locked_until" datetime, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE UNIQUE INDEX "ux_partner_user_email" ON "partner_user" ("email")`);
    await runner.query(`CREATE INDEX "ix_partner_user_partner" ON "partner_user" ("partner_id")`);
    await runner.query(`CREATE UNIQUE INDEX "ux_partner_user_email_token" ON "partner_user" ("email_token_hash")`);
    await runner.query(
      `CREATE TABLE "web_session" ("id_hash" varchar(64) PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "subject_id" varchar(40) NOT NULL, "created_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "idle_expires_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_web_session_expires" ON "web_session" ("expires_at")`);
    await runner.query(
      `CREATE TABLE "outbound_mail" ("id" varchar(40) PRIMARY KEY NOT NULL, "recipient" varchar(254) NOT NULL, "subject" varchar(200) NOT NULL, "text" text NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_outbound_mail_recipient" ON "outbound_mail" ("recipient", "created_at")`);
    await runner.query(
      `CREATE TABLE "api_call" ("id" varchar(40) PRIMARY KEY NOT NULL, "client_id" varchar(255) NOT NULL, "at" datetime NOT NULL, "method" varchar(10) NOT NULL, "path" varchar(500) NOT NULL, "status" integer NOT NULL, "interaction_id" varchar(64) NOT NULL)`,
    );
    await runner.query(`CREATE INDEX "ix_api_call_client" ON "api_call" ("client_id", "at")`);
    await runner.query(`ALTER TABLE "customer" ADD COLUMN "environment" varchar(16) NOT NULL DEFAULT ('live')`);
    await runner.query(`UPDATE "customer" SET "environment" = 'sandbox' WHERE substr("id", 1, 12) = 'cus_sandbox_'`);
    await runner.query(`ALTER TABLE "consent" ADD COLUMN "last_used_at" datetime`);
    await runner.query(`DROP INDEX "ix_software_partner"`);
    await runner.query(
      `CREATE TABLE "temporary_software" ("client_id" varchar(255) PRIMARY KEY NOT NULL, "partner_id" varchar(40) NOT NULL, "name" varchar(140) NOT NULL, "roles" text NOT NULL, "environment" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "created_at" datetime NOT NULL, "software_id" varchar(64) NOT NULL, "description" varchar(500) NOT NULL, "origin" varchar(16) NOT NULL, "client_metadata" text NOT NULL, "software_statement" text, "registration_token_hash" varchar(64), "version" integer NOT NULL, "updated_at" datetime NOT NULL)`,
    );
    await runner.query(
      `INSERT INTO "temporary_software"("client_id", "partner_id", "name", "roles", "environment", "status", "created_at", "software_id", "description", "origin", "client_metadata", "software_statement", "registration_token_hash", "version", "updated_at") SELECT s."client_id", s."partner_id", s."name", s."roles", s."environment", s."status", s."created_at", hex(randomblob(11)), '', 'cli', m."payload", NULL, NULL, 1, s."created_at" FROM "software" s JOIN "oidc_model" m ON m."model" = 'Client' AND m."id" = s."client_id"`,
    );
    await runner.query(`DROP TABLE "software"`);
    await runner.query(`ALTER TABLE "temporary_software" RENAME TO "software"`);
    await runner.query(`CREATE INDEX "ix_software_partner" ON "software" ("partner_id")`);
    await runner.query(`CREATE INDEX "ix_software_software_id" ON "software" ("software_id")`);
    await runner.query(`DELETE FROM "oidc_model" WHERE "model" = 'Client'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`INSERT INTO "oidc_model"("model", "id", "payload") SELECT 'Client', "client_id", "client_metadata" FROM "software"`);
    await runner.query(`DROP INDEX "ix_software_software_id"`);
    await runner.query(`DROP INDEX "ix_software_partner"`);
    await runner.query(
      `CREATE TABLE "temporary_software" ("client_id" varchar(255) PRIMARY KEY NOT NULL, "partner_id" varchar(40) NOT NULL, "name" varchar(140) NOT NULL, "roles" text NOT NULL, "environment" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "created_at" datetime NOT NULL)`,
    );
    await runner.query(
      `INSERT INTO "temporary_software"("client_id", "partner_id", "name", "roles", "environment", "status", "created_at") SELECT "client_id", "partner_id", "name", "roles", "environment", "status", "created_at" FROM "software"`,
    );
    await runner.query(`DROP TABLE "software"`);
    await runner.query(`ALTER TABLE "temporary_software" RENAME TO "software"`);
    await runner.query(`CREATE INDEX "ix_software_partner" ON "software" ("partner_id")`);
    await runner.query(`ALTER TABLE "consent" DROP COLUMN "last_used_at"`);
    await runner.query(`ALTER TABLE "customer" DROP COLUMN "environment"`);
    await runner.query(`DROP TABLE "api_call"`);
    await runner.query(`DROP TABLE "outbound_mail"`);
    await runner.query(`DROP TABLE "web_session"`);
    await runner.query(`DROP TABLE "partner_user"`);
  }
}
