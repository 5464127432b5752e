// Proves the exchange settings: the sandbox rate table and a 15-minute Actual quote by default; FX_RATES_FILE read from its JSON file; a file that is missing or not a rate table, and a FX_QUOTE_VALIDITY_SECONDS outside 1 to 86400, refused with a ConfigError naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SANDBOX_RATE_TABLE } from '../domain/fx/rate-table.js';
import { ConfigError } from './config-error.js';
import { loadExchangeConfig } from './exchange-config.js';

const directory = mkdtempSync(join(tmpdir(), 'openteller-fx-'));

function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

describe('loadExchangeConfig', () => {
  test('nothing set → the sandbox table, quotes valid 900 s', () => {
    assert.deepEqual(loadExchangeConfig({}), { rates: SANDBOX_RATE_TABLE, quoteValidityMs: 900_000 });
  });

  test('FX_RATES_FILE and FX_QUOTE_VALIDITY_SECONDS=60 → that table, 60 s', () => {
    const path = file('rates.json', '{"baseCurrency":"USD","spreadBasisPoints":10,"midRates":{"GBP":"0.79","EUR":"0.92"}}');
    const config = loadExchangeConfig({ FX_RATES_FILE: path, FX_QUOTE_VALIDITY_SECONDS: '60' });
    assert.deepEqual(config.rates, {
      baseCurrency: 'USD',
      midScaledByCurrency: { USD: 100_000_000n, GBP: 79_000_000n, EUR: 92_000_000n },
      spreadBasisPoints: 10n,
    });
    assert.equal(config.quoteValidityMs, 60_000);
  });

  const refused: Array<[string, NodeJS.ProcessEnv, string]> = [
    ['a missing file', { FX_RATES_FILE: join(directory, 'absent.json') }, 'FX_RATES_FILE'],
    ['a file that is not JSON', { FX_RATES_FILE: file('broken.json', '{') }, 'FX_RATES_FILE'],
    [
      'a currency the bank does not exchange',
      { FX_RATES_FILE: file('aud.json', '{"baseCurrency":"GBP","spreadBasisPoints":0,"midRates":{"AUD":"1.9"}}') },
      'FX_RATES_FILE',
    ],
    ['a validity of 0', { FX_QUOTE_VALIDITY_SECONDS: '0' }, 'FX_QUOTE_VALIDITY_SECONDS'],
    ['a validity of 1.5', { FX_QUOTE_VALIDITY_SECONDS: '1.5' }, 'FX_QUOTE_VALIDITY_SECONDS'],
    ['a validity of a day and a second', { FX_QUOTE_VALIDITY_SECONDS: '86401' }, 'FX_QUOTE_VALIDITY_SECONDS'],
  ];
  for (const [what, env, variable] of refused) {
    test(`${what} → ConfigError naming ${variable}`, () => {
      assert.throws(
        () => loadExchangeConfig(env),
        (error: unknown) => error instanceof ConfigError && error.message.includes(variable),
      );
    });
  }
});
