import { DEFAULT_PUSH_CONCURRENCY, type PushConcurrency } from '../domain/events/deliver-due-events.js';
import { DEFAULT_EVENT_STREAM_SETTINGS, type EventStreamSettings } from '../domain/events/event-stream.js';
import { ConfigError } from './config-error.js';

/** How event notifications behave (partner-portal-docs/events.md, event-stream.md). */
export interface EventsConfig {
  /** How long a long poll of `POST /events` waits for a first event before answering with none. */
  readonly longPollMs: number;
  /** How many pushes each process keeps in flight, in all and of one app. */
  readonly push: PushConcurrency;
  /** How each process's live streams poll for new events, ping their peers, and how many one app may open. */
  readonly stream: EventStreamSettings;
}

/**
 * Reads the event settings (README "Configuration"); each has a default.
 * @throws ConfigError naming the offending variable.
 */
export function loadEventsConfig(env: NodeJS.ProcessEnv): EventsConfig {
  const concurrency = wholeNumber(env, 'EVENTS_PUSH_CONCURRENCY', DEFAULT_PUSH_CONCURRENCY.concurrency, 1, 1_000);
  return {
    longPollMs: seconds(env, 'EVENTS_LONG_POLL_SECONDS', 10_000, 0, 30),
    push: {
      concurrency,
      concurrencyPerApp: wholeNumber(
        env,
        'EVENTS_PUSH_CONCURRENCY_PER_APP',
        Math.min(DEFAULT_PUSH_CONCURRENCY.concurrencyPerApp, concurrency),
        1,
        concurrency,
        'EVENTS_PUSH_CONCURRENCY',
      ),
    },
    stream: {
      pollIntervalMs: seconds(env, 'EVENTS_STREAM_POLL_SECONDS', DEFAULT_EVENT_STREAM_SETTINGS.pollIntervalMs, 0.05, 10),
      heartbeatIntervalMs: seconds(env, 'EVENTS_STREAM_HEARTBEAT_SECONDS', DEFAULT_EVENT_STREAM_SETTINGS.heartbeatIntervalMs, 1, 600),
      maxConnectionsPerApp: wholeNumber(env, 'EVENTS_STREAM_MAX_CONNECTIONS_PER_APP', DEFAULT_EVENT_STREAM_SETTINGS.maxConnectionsPerApp, 1, 1_000),
    },
  };
}

/** A number of seconds from `min` to `max` (fractions allowed), in milliseconds; blank: `fallbackMs`. */
function seconds(env: NodeJS.ProcessEnv, variable: string, fallbackMs: number, min: number, max: number): number {
  const value = env[variable]?.trim();
  if (!value) return fallbackMs;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw new ConfigError(variable, `must be a number of seconds from ${min} to ${max}`);
  return Math.round(number * 1000);
}

/** A whole number from `min` to `max` (`maxVariable` names the setting `max` comes from); blank: `fallback`. */
function wholeNumber(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number, maxVariable?: string): number {
  const value = env[variable]?.trim();
  if (!value) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ConfigError(variable, `must be a whole number from ${min} to ${max}${maxVariable ? ` (${maxVariable})` : ''}`);
  }
  return number;
}
