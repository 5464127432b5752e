import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event notifications: each app's subscription (at most one), the outbox of signed events with a sequence number per
 * app that only grows (its counter row orders an app's events by commit), and every push attempt.
 */
export class EventNotifications1764300000000 implements MigrationInterface {
  name = 'EventNotifications1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "event_subscription" ("id" varchar(40) PRIMARY KEY NOT NULL, "client_id" varchar(255) NOT NULL, "callback_url" varchar(512), "version" varchar(10) NOT NULL, "event_types" text, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, CONSTRAINT "UQ_3353af69d77fba6e2fb76aa5fcc" UNIQUE ("client_id"))`,
    );
    await runner.query(`CREATE TABLE "event_sequence" ("client_id" varchar(255) PRIMARY KEY NOT NULL, "last_sequence" bigint NOT NULL)`);
    await runner.query(
      `CREATE TABLE "event_notification" ("client_id" varchar(255) NOT NULL, "sequence" bigint NOT NULL, "jti" varchar(40) NOT NULL, "event_types" varchar(255) NOT NULL, "resource_type" varchar(40) NOT NULL, "resource_id" varchar(64) NOT NULL, "token" text NOT NULL, "created_at" datetime NOT NULL, "push_state" varchar(10) NOT NULL, "push_attempts" integer NOT NULL, "next_push_at" datetime, "claimed_until" datetime, "acknowledged_at" datetime, "poll_error" varchar(300), CONSTRAINT "UQ_051b955a5c3ff7fed11b1c528fa" UNIQUE ("jti"), PRIMARY KEY ("client_id", "sequence"))`,
    );
    await runner.query(`CREATE INDEX "ix_event_notification_push" ON "event_notification" ("push_state", "next_push_at")`);
    await runner.query(`CREATE INDEX "ix_event_notification_unacknowledged" ON "event_notification" ("client_id", "acknowledged_at", "sequence")`);
    await runner.query(
      `CREATE TABLE "event_delivery_attempt" ("jti" varchar(40) NOT NULL, "attempt" integer NOT NULL, "attempted_at" datetime NOT NULL, "callback_url" varchar(512) NOT NULL, "http_status" integer, "error" varchar(300), "latency_ms" integer NOT NULL, PRIMARY KEY ("jti", "attempt"))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "event_delivery_attempt"`);
    await runner.query(`DROP INDEX "ix_event_notification_unacknowledged"`);
    await runner.query(`DROP INDEX "ix_event_notification_push"`);
    await runner.query(`DROP TABLE "event_notification"`);
    await runner.query(`DROP TABLE "event_sequence"`);
    await runner.query(`DROP TABLE "event_subscription"`);
  }
}
