import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Facts a database keeps about the bank served from it: the issuer `openteller serve` last started under, so that
 * the `openteller` command uses the same one. Nothing is recorded until the next `serve`.
 */
export class BankSettings1764200000000 implements MigrationInterface {
  name = 'BankSettings1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE \`bank_setting\` (\`name\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`value\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`name\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE \`bank_setting\``);
  }
}
