import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event notifications: each app's subscription (at most one), the outbox of signed events with a sequence number per
 * app that only grows (its counter row orders an app's events by commit), and every push attempt.
 */
export class EventNotifications1764300000000 implements MigrationInterface {
  name = 'EventNotifications1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE \`event_subscription\` (\`id\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`callback_url\` varchar(512) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`version\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`event_types\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_3353af69d77fba6e2fb76aa5fc\` (\`client_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`event_sequence\` (\`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`last_sequence\` bigint NOT NULL, PRIMARY KEY (\`client_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`event_notification\` (\`client_id\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`sequence\` bigint NOT NULL, \`jti\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`event_types\` varchar(255) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`resource_type\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`resource_id\` varchar(64) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`token\` text CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`created_at\` datetime(3) NOT NULL, \`push_state\` varchar(10) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`push_attempts\` int NOT NULL, \`next_push_at\` datetime(3) NULL, \`claimed_until\` datetime(3) NULL, \`acknowledged_at\` datetime(3) NULL, \`poll_error\` varchar(300) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, INDEX \`ix_event_notification_push\` (\`push_state\`, \`next_push_at\`), INDEX \`ix_event_notification_unacknowledged\` (\`client_id\`, \`acknowledged_at\`, \`sequence\`), UNIQUE INDEX \`IDX_051b955a5c3ff7fed11b1c528f\` (\`jti\`), PRIMARY KEY (\`client_id\`, \`sequence\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await runner.query(
      `CREATE TABLE \`event_delivery_attempt\` (\`jti\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NOT NULL, \`attempt\` int NOT NULL, \`attempted_at\` datetime(3) NOT NULL, \`callback_url\` varchar(512) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NOT NULL, \`http_status\` int NULL, \`error\` varchar(300) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_unicode_ci" NULL, \`latency_ms\` int NOT NULL, PRIMARY KEY (\`jti\`, \`attempt\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE \`event_delivery_attempt\``);
    await runner.query(`DROP TABLE \`event_notification\``);
    await runner.query(`DROP TABLE \`event_sequence\``);
    await runner.query(`DROP TABLE \`event_subscription\``);
  }
}
