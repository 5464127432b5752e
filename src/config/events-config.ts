import { ConfigError } from './config-error.js';

/** How event notifications behave (partner-portal-docs/events.md). */
export interface EventsConfig {
  /** How long a long poll of `POST /events` waits for a first event before answering with none. */
  readonly longPollMs: number;
}

/**
 * Reads the event settings (README "Configuration").
 * @throws ConfigError naming the offending variable.
 */
export function loadEventsConfig(env: NodeJS.ProcessEnv): EventsConfig {
  return { longPollMs: longPoll(env.EVENTS_LONG_POLL_SECONDS) };
}

function longPoll(value: string | undefined): number {
  if (!value?.trim()) return 10_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 30)
    throw new ConfigError('EVENTS_LONG_POLL_SECONDS', 'must be a number of seconds from 0 to 30');
  return Math.round(seconds * 1000);
}
