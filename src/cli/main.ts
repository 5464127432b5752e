import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { loadDatabaseConfig } from '../config/database-config.js';
import { DomainError } from '../domain/errors.js';
import { approveApp, reinstateApp, suspendApp } from '../domain/partners/app-lifecycle.js';
import { registerPartnerApp } from '../domain/partners/app-registration.js';
import { messageSigningIssuer } from '../domain/partners/partner-app.js';
import { loadDirectorySigningKey } from '../directory/directory-key.js';
import { createOwnDirectory } from '../directory/own-directory.js';
import { buildSandboxSeed, describeSandboxCustomers } from '../sandbox/sandbox-seed.js';
import { createLogger } from '../logging/logger.js';
import { serve } from '../main.js';
import { validateClientMetadata } from '../oauth/client-metadata.js';
import { derivedSecret, loadKeyMaterial } from '../oauth/key-material.js';
import { exchangeRateNumber } from '../domain/fx/exchange-rate.js';
import { agreeFxContract, FX_CONTRACT_SECRET_PURPOSE } from '../domain/payments/international/fx-contracts.js';
import { migrateDatabase, openDatabase, type Database } from '../persistence/data-source.js';
import { seedSandboxIfEmpty } from '../persistence/sandbox-seeder.js';
import { BankSettingStore } from '../persistence/stores/bank-setting-store.js';
import { TypeOrmPartnerStore } from '../persistence/stores/partner-store.js';
import { TypeOrmServerKeyStore } from '../persistence/stores/server-key-store.js';

const USAGE = `Usage: openteller <command>

Commands:
  serve                         migrate, seed the sandbox if empty, and serve (what npm start runs)
  migrate                       apply pending database migrations
  seed                          load the sandbox bank into an empty database
  partner create --name N --redirect-uri U [--redirect-uri U2 …] --jwks-file F --roles AISP[,PISP,CBPII]
                                register a partner app; prints JSON with its client_id
  partner approve <client_id>   promote an app from the sandbox to live (it may then connect every customer)
  partner suspend <client_id>   suspend an app: no more tokens, and its tokens fail from their next call
  partner reinstate <client_id> lift a suspension
  ssa issue --client <client_id>
                                print a software statement for the app, signed by the bank's directory
  fx-contract issue --client <client_id> --currencies GBP/USD [--rate 1.25] [--days 30]
                                agree an FX contract with an app (default rate: the bank's rate now);
                                prints JSON with the ContractIdentification for Agreed rates
  sandbox customers [--json]    list the sandbox customers, their passwords and accounts

Configuration comes from the environment: see README.md.`;

/** The `openteller` command. Exit codes: 0 ok, 1 failure, 2 usage or configuration error. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, subcommand, ...rest] = argv;
  try {
    if (command === 'serve') {
      const config = loadConfig();
      await serve(config, createLogger(config.logLevel));
      return -1;
    }
    if (command === 'migrate') return await withDatabase(async (database) => report({ applied: await migrateDatabase(database) }));
    if (command === 'seed') {
      return await withDatabase(async (database, config) => {
        if (config.mode !== 'sandbox') throw new UsageError('seed loads demo data and only runs in sandbox mode');
        await migrateDatabase(database);
        return report({ seeded: await seedSandboxIfEmpty(database, buildSandboxSeed) });
      });
    }
    if (command === 'partner' && subcommand === 'create') return await createPartner(rest);
    if (command === 'partner' && subcommand !== undefined && Object.hasOwn(APP_ACTIONS, subcommand))
      return await changeAppStatus(subcommand as keyof typeof APP_ACTIONS, rest);
    if (command === 'ssa' && subcommand === 'issue') return await issueSoftwareStatement(rest);
    if (command === 'fx-contract' && subcommand === 'issue') return await issueFxContractCommand(rest);
    if (command === 'sandbox' && subcommand === 'customers') return listSandboxCustomers(rest);
    if (command === undefined || command === 'help' || command === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${argv.join(' ')}"`);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) {
      process.stderr.write(`openteller: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`openteller: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      process.stderr.write(`openteller: ${error.message}${error.path ? ` (${error.path})` : ''}\n`);
      return 1;
    }
    throw error;
  }
}

class UsageError extends Error {}

async function createPartner(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'jwks-file': { type: 'string' },
      roles: { type: 'string' },
    },
    strict: true,
  });
  if (!values.name || !values['redirect-uri'] || !values['jwks-file'] || !values.roles) {
    throw new UsageError('partner create needs --name, --redirect-uri, --jwks-file and --roles');
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(readFileSync(values['jwks-file'], 'utf8'));
  } catch (error) {
    throw new UsageError(`could not read --jwks-file ${values['jwks-file']}: ${(error as Error).message}`);
  }
  const registration = {
    name: values.name,
    redirectUris: values['redirect-uri'],
    keys: { jwks },
    roles: values.roles.split(','),
    origin: 'cli' as const,
  };
  return withDatabase(async (database, config) => {
    await migrateDatabase(database);
    const keys = await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource));
    const partners = new TypeOrmPartnerStore(database.dataSource);
    const app = await registerPartnerApp(
      { partners, validateClientMetadata: validateClientMetadata(config, keys), mode: config.mode },
      null,
      registration,
      new Date(),
    );
    return report({
      client_id: app.clientId,
      client_name: app.name,
      partner_id: app.partnerId,
      software_id: app.softwareId,
      roles: app.roles,
      environment: app.environment,
      scope: app.clientMetadata.scope,
      redirect_uris: app.clientMetadata.redirect_uris,
      issuer: config.issuer,
      discovery: `${config.issuer}/.well-known/openid-configuration`,
      message_signing: { 'http://openbanking.org.uk/iss': messageSigningIssuer(app), 'http://openbanking.org.uk/tan': config.payments.trustAnchor },
    });
  });
}

/** The operator's commands on one app, by sub-command. */
const APP_ACTIONS = { approve: approveApp, suspend: suspendApp, reinstate: reinstateApp } as const;

async function changeAppStatus(action: keyof typeof APP_ACTIONS, args: readonly string[]): Promise<number> {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true });
  const [clientId, ...extra] = positionals;
  if (!clientId || extra.length > 0) throw new UsageError(`partner ${action} needs exactly one client id`);
  return withDatabase(async (database) => {
    await migrateDatabase(database);
    const app = await APP_ACTIONS[action](new TypeOrmPartnerStore(database.dataSource), clientId, new Date());
    return report({ client_id: app.clientId, client_name: app.name, environment: app.environment, status: app.status });
  });
}

async function issueSoftwareStatement(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { client: { type: 'string' } }, strict: true });
  if (!values.client) throw new UsageError('ssa issue needs --client <client_id>');
  const clientId = values.client;
  return withDatabase(async (database, config) => {
    await migrateDatabase(database);
    const key = await loadDirectorySigningKey(config, new TypeOrmServerKeyStore(database.dataSource));
    if (!key) throw new UsageError('this bank runs no directory of its own: set DIRECTORY_KEYS_FILE to issue software statements');
    const directory = createOwnDirectory(config.issuer, key, new TypeOrmPartnerStore(database.dataSource));
    process.stdout.write(`${await directory.issueFor('operator', clientId, new Date())}\n`);
    return 0;
  });
}

async function issueFxContractCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { client: { type: 'string' }, currencies: { type: 'string' }, rate: { type: 'string' }, days: { type: 'string' } },
    strict: true,
  });
  const [unitCurrency, targetCurrency, ...extra] = (values.currencies ?? '').split('/');
  if (!values.client || !unitCurrency || !targetCurrency || extra.length > 0) {
    throw new UsageError('fx-contract issue needs --client <client_id> and --currencies UNIT/TARGET, e.g. GBP/USD');
  }
  const clientId = values.client;
  return withDatabase(async (database, config) => {
    await migrateDatabase(database);
    const app = await new TypeOrmPartnerStore(database.dataSource).findApp(clientId);
    if (!app) throw new UsageError(`no app has the client id ${clientId}`);
    const secret = derivedSecret(await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource)), FX_CONTRACT_SECRET_PURPOSE);
    const request = { clientId, unitCurrency, targetCurrency, agreedRate: values.rate ?? null, days: Number(values.days ?? '30') };
    const contract = agreeFxContract(secret, config.exchange.rates, request, new Date());
    return report({
      ContractIdentification: contract.contractIdentification,
      UnitCurrency: contract.rate.unitCurrency,
      CurrencyOfTransfer: contract.rate.targetCurrency,
      ExchangeRate: exchangeRateNumber(contract.rate),
      ExpirationDateTime: contract.expiresAt.toISOString(),
      client_id: clientId,
    });
  });
}

function listSandboxCustomers(args: readonly string[]): number {
  const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean' } }, strict: true });
  const customers = describeSandboxCustomers();
  if (values.json) return report(customers);
  for (const customer of customers) {
    process.stdout.write(`${customer.username}  password: ${customer.password}\n`);
    for (const account of customer.accounts) process.stdout.write(`  ${account.AccountId}  ${account.Currency}  ${account.Nickname ?? ''}\n`);
  }
  return 0;
}

/**
 * Opens the database of `DATABASE_URL` and runs `work` with the configuration of the bank served from it: the issuer
 * `serve` recorded there, unless `ISSUER` names another one, which is refused (exit 2).
 */
async function withDatabase(work: (database: Database, config: Config) => Promise<number>): Promise<number> {
  const database = await openDatabase(loadDatabaseConfig(), { poolSize: 2 });
  try {
    const config = loadConfig(process.env, { servedIssuer: await new BankSettingStore(database.dataSource).servedIssuer() });
    return await work(database, config);
  } finally {
    await database.dataSource.destroy();
  }
}

function report(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}
