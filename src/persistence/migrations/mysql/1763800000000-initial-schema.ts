import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Initial schema (mysql): oidc-provider state, replay guard, server keys, customers, accounts, the
 * double-entry ledger, consents and partners. Generated from the entities, then reviewed; the migration test
 * proves entities and migrations agree.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE \`oidc_model\` (\`model\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`payload\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`grant_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`user_code\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`uid\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`expires_at\` datetime(3) NULL, \`consumed_at\` datetime(3) NULL, INDEX \`ix_oidc_model_grant\` (\`model\`, \`grant_id\`), UNIQUE INDEX \`ux_oidc_model_uid\` (\`model\`, \`uid\`), UNIQUE INDEX \`ux_oidc_model_user_code\` (\`model\`, \`user_code\`), INDEX \`ix_oidc_model_expires\` (\`expires_at\`), PRIMARY KEY (\`model\`, \`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`replay_guard\` (\`scope\` varchar(32) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`marker\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`expires_at\` datetime(3) NOT NULL, INDEX \`ix_replay_guard_expires\` (\`expires_at\`), PRIMARY KEY (\`scope\`, \`marker\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`server_key\` (\`id\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`purpose\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`material\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_server_key_purpose\` (\`purpose\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`customer\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`username\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`display_name\` varchar(140) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`password_hash\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`failed_login_count\` int NOT NULL DEFAULT '0', \`locked_until\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_customer_username\` (\`username\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`account\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`customer_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`bank_purpose\` varchar(20) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`currency\` varchar(3) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`account_type\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`account_sub_type\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`nickname\` varchar(70) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`description\` varchar(35) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`opening_date\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`overdraft_limit_minor\` bigint NOT NULL DEFAULT '0', \`balance_minor\` bigint NOT NULL DEFAULT '0', \`created_at\` datetime(3) NOT NULL, INDEX \`ix_account_customer\` (\`customer_id\`, \`opening_date\`), INDEX \`ix_account_bank_purpose\` (\`bank_purpose\`, \`currency\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`account_identification\` (\`account_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`scheme_name\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`identification\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`name\` varchar(350) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`secondary_identification\` varchar(34) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, UNIQUE INDEX \`ux_account_identification_scheme\` (\`scheme_name\`, \`identification\`), PRIMARY KEY (\`account_id\`, \`scheme_name\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`ledger_transfer\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`kind\` varchar(20) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`currency\` varchar(3) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`reference\` varchar(140) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`status\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`booked_at\` datetime(3) NOT NULL, \`value_at\` datetime(3) NOT NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`ledger_entry\` (\`id\` varchar(48) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`transfer_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`account_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`amount_minor\` bigint NOT NULL, \`currency\` varchar(3) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`booked_at\` datetime(3) NOT NULL, \`value_at\` datetime(3) NOT NULL, \`information\` varchar(500) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`counterparty_name\` varchar(140) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`counterparty_scheme_name\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`counterparty_identification\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`balance_after_minor\` bigint NULL, INDEX \`ix_ledger_entry_account_booked\` (\`account_id\`, \`booked_at\`, \`id\`), INDEX \`ix_ledger_entry_transfer\` (\`transfer_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`consent\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`kind\` varchar(20) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status_reason_code\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`status_reason_description\` varchar(500) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`permissions\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`expires_at\` datetime(3) NULL, \`transaction_from_at\` datetime(3) NULL, \`transaction_to_at\` datetime(3) NULL, \`customer_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`grant_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`authorised_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`status_updated_at\` datetime(3) NOT NULL, \`request\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, INDEX \`ix_consent_client\` (\`client_id\`, \`created_at\`), INDEX \`ix_consent_customer\` (\`customer_id\`, \`created_at\`), UNIQUE INDEX \`ux_consent_grant\` (\`grant_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`consent_account\` (\`consent_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`account_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, PRIMARY KEY (\`consent_id\`, \`account_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`partner\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`name\` varchar(140) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`status\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`software\` (\`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`partner_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`name\` varchar(140) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`roles\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`environment\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_software_partner\` (\`partner_id\`), PRIMARY KEY (\`client_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_software_partner\` ON \`software\``);
    await runner.query(`DROP TABLE \`software\``);
    await runner.query(`DROP TABLE \`partner\``);
    await runner.query(`DROP TABLE \`consent_account\``);
    await runner.query(`DROP INDEX \`ux_consent_grant\` ON \`consent\``);
    await runner.query(`DROP INDEX \`ix_consent_customer\` ON \`consent\``);
    await runner.query(`DROP INDEX \`ix_consent_client\` ON \`consent\``);
    await runner.query(`DROP TABLE \`consent\``);
    await runner.query(`DROP INDEX \`ix_ledger_entry_transfer\` ON \`ledger_entry\``);
    await runner.query(`DROP INDEX \`ix_ledger_entry_account_booked\` ON \`ledger_entry\``);
    await runner.query(`DROP TABLE \`ledger_entry\``);
    await runner.query(`DROP TABLE \`ledger_transfer\``);
    await runner.query(`DROP INDEX \`ux_account_identification_scheme\` ON \`account_identification\``);
    await runner.query(`DROP TABLE \`account_identification\``);
    await runner.query(`DROP INDEX \`ix_account_bank_purpose\` ON \`account\``);
    await runner.query(`DROP INDEX \`ix_account_customer\` ON \`account\``);
    await runner.query(`DROP TABLE \`account\``);
    await runner.query(`DROP INDEX \`ux_customer_username\` ON \`customer\``);
    await runner.query(`DROP TABLE \`customer\``);
    await runner.query(`DROP INDEX \`ix_server_key_purpose\` ON \`server_key\``);
    await runner.query(`DROP TABLE \`server_key\``);
    await runner.query(`DROP INDEX \`ix_replay_guard_expires\` ON \`replay_guard\``);
    await runner.query(`DROP TABLE \`replay_guard\``);
    await runner.query(`DROP INDEX \`ix_oidc_model_expires\` ON \`oidc_model\``);
    await runner.query(`DROP INDEX \`ux_oidc_model_user_code\` ON \`oidc_model\``);
    await runner.query(`DROP INDEX \`ux_oidc_model_uid\` ON \`oidc_model\``);
    await runner.query(`DROP INDEX \`ix_oidc_model_grant\` ON \`oidc_model\``);
    await runner.query(`DROP TABLE \`oidc_model\``);
  }
}
