import { randomBytes } from 'node:crypto';
import type { AppChangeAnnouncer, AppChangeMarks } from '../domain/partners/app-change-marks.js';
import type { Logger } from '../logging/logger.js';
import type { RedisConnection } from './redis-replay-store.js';

/** Where the mark lives in Redis. */
const MARK_KEY = 'openteller:apps:change-mark';

/**
 * The app change mark in Redis (`REDIS_URL`): one `GET` to check it, one `SET` of a fresh random value to move it. A
 * random value rather than a counter, so that a Redis emptied or restarted (the key gone, or set again) never shows a
 * mark some process cached under: a missing key reads as `none`, which no change ever writes.
 */
export class RedisAppChangeMarks implements AppChangeMarks, AppChangeAnnouncer {
  constructor(
    private readonly connection: RedisConnection,
    private readonly logger: Logger,
  ) {}

  async current(): Promise<string> {
    return `redis:${(await this.connection.get(MARK_KEY)) ?? 'none'}`;
  }

  async beforeChange(): Promise<void> {
    await this.move();
  }

  async afterChange(): Promise<void> {
    try {
      await this.move();
    } catch (error) {
      this.logger.error(
        { err: error },
        'an app changed but Redis (REDIS_URL) could not be told: other processes may use the old client until their cache ages out',
      );
    }
  }

  private async move(): Promise<void> {
    await this.connection.set(MARK_KEY, randomBytes(12).toString('base64url'));
  }
}
