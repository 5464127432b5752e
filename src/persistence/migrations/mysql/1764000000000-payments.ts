import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments: the `payment` table (one per consent) and the partners' idempotency keys. */
export class Payments1764000000000 implements MigrationInterface {
  name = 'Payments1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE \`payment\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`consent_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`customer_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`debtor_account_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`status_reason_code\` varchar(4) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`status_reason_description\` varchar(500) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`amount_minor\` bigint NOT NULL, \`charges_minor\` bigint NOT NULL, \`currency\` varchar(3) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`local_instrument\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`route\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`creditor_account_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL, \`creditor_identification\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`settle_after\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`status_updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_payment_consent\` (\`consent_id\`), INDEX \`ix_payment_customer\` (\`customer_id\`, \`created_at\`, \`status\`), INDEX \`ix_payment_client\` (\`client_id\`, \`created_at\`, \`status\`), INDEX \`ix_payment_payee\` (\`customer_id\`, \`creditor_identification\`), INDEX \`ix_payment_settlement\` (\`status\`, \`settle_after\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`idempotency_key\` (\`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`operation\` varchar(32) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`key_hash\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`request_hash\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`resource_id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_idempotency_key_created\` (\`created_at\`), PRIMARY KEY (\`client_id\`, \`operation\`, \`key_hash\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_idempotency_key_created\` ON \`idempotency_key\``);
    await runner.query(`DROP TABLE \`idempotency_key\``);
    await runner.query(`DROP INDEX \`ix_payment_settlement\` ON \`payment\``);
    await runner.query(`DROP INDEX \`ix_payment_payee\` ON \`payment\``);
    await runner.query(`DROP INDEX \`ix_payment_client\` ON \`payment\``);
    await runner.query(`DROP INDEX \`ix_payment_customer\` ON \`payment\``);
    await runner.query(`DROP INDEX \`ux_payment_consent\` ON \`payment\``);
    await runner.query(`DROP TABLE \`payment\``);
  }
}
