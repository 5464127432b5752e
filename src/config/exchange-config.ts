import { readFileSync } from 'node:fs';
import { DomainError } from '../domain/errors.js';
import { parseRateTable, SANDBOX_RATE_TABLE, type RateTable } from '../domain/fx/rate-table.js';
import { ConfigError } from './config-error.js';

/** How international payments get their exchange rates. */
export interface ExchangeConfig {
  /** The mid rates and spread in force (`FX_RATES_FILE`, else the sandbox table). */
  readonly rates: RateTable;
  /** How long an `Actual` rate quoted on a consent holds (`FX_QUOTE_VALIDITY_SECONDS`, default 900). */
  readonly quoteValidityMs: number;
}

/**
 * Reads the exchange settings (README "Configuration"): `FX_RATES_FILE` names a JSON file of mid rates and the spread
 * (see the international payments guide), read once at start.
 * @throws ConfigError naming the offending variable.
 */
export function loadExchangeConfig(env: NodeJS.ProcessEnv): ExchangeConfig {
  return { rates: rateTable(env.FX_RATES_FILE), quoteValidityMs: quoteValidity(env.FX_QUOTE_VALIDITY_SECONDS) };
}

function rateTable(path: string | undefined): RateTable {
  if (!path?.trim()) return SANDBOX_RATE_TABLE;
  let json: string;
  try {
    json = readFileSync(path.trim(), 'utf8');
  } catch (error) {
    throw new ConfigError('FX_RATES_FILE', `could not be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    return parseRateTable(json);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError('FX_RATES_FILE', error.message);
    throw error;
  }
}

function quoteValidity(value: string | undefined): number {
  if (!value?.trim()) return 900_000;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400)
    throw new ConfigError('FX_QUOTE_VALIDITY_SECONDS', 'must be a whole number of seconds from 1 to 86400');
  return seconds * 1000;
}
