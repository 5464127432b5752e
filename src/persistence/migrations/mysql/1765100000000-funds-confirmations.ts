import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every funds confirmation a card issuer asked and the answer it got (`funds_confirmation`), so that the customer can see
 * each app's checks; read by consent, newest first.
 */
export class FundsConfirmations1765100000000 implements MigrationInterface {
  name = 'FundsConfirmations1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE \`funds_confirmation\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`consent_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`customer_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`reference\` varchar(35) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`amount_minor\` bigint NOT NULL, \`currency\` varchar(3) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`funds_available\` int NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_funds_confirmation_consent\` (\`consent_id\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE \`funds_confirmation\``);
  }
}
