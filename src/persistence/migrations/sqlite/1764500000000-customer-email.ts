import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers get an email address, where the bank tells them the result of what they started (a payment settled or
 * rejected, a connected app's access ended). The sandbox seed's customers get `<username>@customers.openteller.example`,
 * whose mail the sandbox mailbox shows; other customers have none until the bank records one.
 */
export class CustomerEmail1764500000000 implements MigrationInterface {
  name = 'CustomerEmail1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "customer" ADD COLUMN "email" varchar(254)`);
    await runner.query(`UPDATE "customer" SET "email" = "username" || '@customers.openteller.example' WHERE "environment" = 'sandbox'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "customer" DROP COLUMN "email"`);
  }
}
