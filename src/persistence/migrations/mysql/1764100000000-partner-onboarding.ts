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
      `CREATE TABLE \`partner_user\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`partner_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`email\` varchar(254) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`password_hash\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`email_confirmed_at\` datetime(3) NULL, \`email_token_hash\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`email_token_expires_at\` datetime(3) NULL, \`failed_login_count\` int NOT NULL DEFAULT '0', \`locked_until\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_partner_user_email\` (\`email\`), INDEX \`ix_partner_user_partner\` (\`partner_id\`), UNIQUE INDEX \`ux_partner_user_email_token\` (\`email_token_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`web_session\` (\`id_hash\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`kind\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`subject_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`created_at\` datetime(3) NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`idle_expires_at\` datetime(3) NOT NULL, INDEX \`ix_web_session_expires\` (\`expires_at\`), PRIMARY KEY (\`id_hash\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`outbound_mail\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`recipient\` varchar(254) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`subject\` varchar(200) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`text\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_outbound_mail_recipient\` (\`recipient\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`api_call\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`at\` datetime(3) NOT NULL, \`method\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`path\` varchar(500) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`status\` int NOT NULL, \`interaction_id\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, INDEX \`ix_api_call_client\` (\`client_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(`ALTER TABLE \`customer\` ADD \`environment\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL DEFAULT 'live'`);
    await runner.query(`UPDATE \`customer\` SET \`environment\` = 'sandbox' WHERE SUBSTR(\`id\`, 1, 12) = 'cus_sandbox_'`);
    await runner.query(`ALTER TABLE \`consent\` ADD \`last_used_at\` datetime(3) NULL`);
    await runner.query(
      `ALTER TABLE \`software\` ADD \`software_id\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, ADD \`description\` varchar(500) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL DEFAULT '', ADD \`origin\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL DEFAULT 'cli', ADD \`client_metadata\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, ADD \`software_statement\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, ADD \`registration_token_hash\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, ADD \`version\` int NOT NULL DEFAULT 1, ADD \`updated_at\` datetime(3) NULL`,
    );
    await runner.query(
      `UPDATE \`software\` s JOIN \`oidc_model\` m ON m.\`model\` = 'Client' AND m.\`id\` = s.\`client_id\` SET s.\`software_id\` = SUBSTRING(SHA2(CONCAT(s.\`client_id\`, RAND()), 256), 1, 22), s.\`client_metadata\` = m.\`payload\`, s.\`updated_at\` = s.\`created_at\``,
    );
    await runner.query(`DELETE FROM \`software\` WHERE \`client_metadata\` IS NULL`);
    await runner.query(
      `ALTER TABLE \`software\` MODIFY \`software_id\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, MODIFY \`description\` varchar(500) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, MODIFY \`origin\` varchar(16) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, MODIFY \`client_metadata\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, MODIFY \`version\` int NOT NULL, MODIFY \`updated_at\` datetime(3) NOT NULL`,
    );
    await runner.query(`CREATE INDEX \`ix_software_software_id\` ON \`software\` (\`software_id\`)`);
    await runner.query(`DELETE FROM \`oidc_model\` WHERE \`model\` = 'Client'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `INSERT INTO \`oidc_model\` (\`model\`, \`id\`, \`payload\`) SELECT 'Client', \`client_id\`, \`client_metadata\` FROM \`software\``,
    );
    await runner.query(`DROP INDEX \`ix_software_software_id\` ON \`software\``);
    await runner.query(
      `ALTER TABLE \`software\` DROP COLUMN \`software_id\`, DROP COLUMN \`description\`, DROP COLUMN \`origin\`, DROP COLUMN \`client_metadata\`, DROP COLUMN \`software_statement\`, DROP COLUMN \`registration_token_hash\`, DROP COLUMN \`version\`, DROP COLUMN \`updated_at\``,
    );
    await runner.query(`ALTER TABLE \`consent\` DROP COLUMN \`last_used_at\``);
    await runner.query(`ALTER TABLE \`customer\` DROP COLUMN \`environment\``);
    await runner.query(`DROP TABLE \`api_call\``);
    await runner.query(`DROP TABLE \`outbound_mail\``);
    await runner.query(`DROP TABLE \`web_session\``);
    await runner.query(`DROP TABLE \`partner_user\``);
  }
}
