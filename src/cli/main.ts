import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { DomainError } from '../domain/errors.js';
import { messageSigningIssuer, registerPartnerApp } from '../domain/partners/partner-app.js';
import { describeSandboxCustomers } from '../domain/sandbox/sandbox-seed.js';
import { createLogger } from '../logging/logger.js';
import { serve } from '../main.js';
import { validateClientMetadata } from '../oauth/client-metadata.js';
import { loadKeyMaterial } from '../oauth/key-material.js';
import { migrateDatabase, openDatabase, type Database } from '../persistence/data-source.js';
import { seedSandboxIfEmpty } from '../persistence/sandbox-seeder.js';
import { TypeOrmPartnerStore } from '../persistence/stores/partner-store.js';
import { ServerKeyStore } from '../persistence/stores/server-key-store.js';

const USAGE = `Usage: openteller <command>

Commands:
  serve                         migrate, seed the sandbox if empty, and serve (what npm start runs)
  migrate                       apply pending database migrations
  seed                          load the sandbox bank into an empty database
  partner create --name N --redirect-uri U [--redirect-uri U2 …] --jwks-file F --roles AISP[,PISP,CBPII]
                                register a partner app; prints JSON with its client_id
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
        return report({ seeded: await seedSandboxIfEmpty(database) });
      });
    }
    if (command === 'partner' && subcommand === 'create') return await createPartner(rest);
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
  const registration = { name: values.name, redirectUris: values['redirect-uri'], jwks, roles: values.roles.split(',') };
  return withDatabase(async (database, config) => {
    await migrateDatabase(database);
    const keys = await loadKeyMaterial(config, new ServerKeyStore(database.dataSource));
    const partners = new TypeOrmPartnerStore(database.dataSource);
    const { app, clientMetadata } = await registerPartnerApp(partners, validateClientMetadata(config, keys), registration, config.mode, new Date());
    return report({
      client_id: app.clientId,
      client_name: app.name,
      partner_id: app.partnerId,
      roles: app.roles,
      environment: app.environment,
      scope: clientMetadata.scope,
      redirect_uris: clientMetadata.redirect_uris,
      issuer: config.issuer,
      discovery: `${config.issuer}/.well-known/openid-configuration`,
      message_signing: { 'http://openbanking.org.uk/iss': messageSigningIssuer(app), 'http://openbanking.org.uk/tan': config.payments.trustAnchor },
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

async function withDatabase(work: (database: Database, config: Config) => Promise<number>): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(config.database, { poolSize: 2 });
  try {
    return await work(database, config);
  } finally {
    await database.dataSource.destroy();
  }
}

function report(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}
