import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter that every change to any app (registration, status, keys, redirect URIs…) bumps in its own transaction:
 * a process may keep the clients it read while the counter has not moved (`app-change-marks.ts`).
 */
export class AppChangeMark1765450000000 implements MigrationInterface {
  name = 'AppChangeMark1765450000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE \`app_change\` (\`id\` tinyint NOT NULL, \`mark\` bigint NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await runner.query(`INSERT INTO \`app_change\` (\`id\`, \`mark\`) VALUES (1, 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE \`app_change\``);
  }
}
