import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { displayDatabaseUrl } from '../config/database-config.js';
import { describeSandboxCustomers } from '../sandbox/sandbox-seed.js';

/** The repository the suggested commands run in (they use its examples), whatever directory serve was started from. */
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/** The issuer an unconfigured sandbox serves under, which the examples of partner-portal-docs assume. */
const DEFAULT_ISSUER = 'http://localhost:3000';

/**
 * What `serve` prints when it is ready: where things are, who can log in, and what to run next. Every command it
 * suggests works as printed from the repository, in another terminal without the server's environment (the
 * `openteller` command takes the issuer from the database; a database other than the repository's default is named —
 * also the default file of another directory serve was started from — never with its password). `previousIssuer` is the issuer the database was served under before, if any.
 */
export function welcomeBanner(config: Config, previousIssuer: string | null): string {
  const { issuer, mode } = config;
  const lines = [
    '',
    `OpenTeller (${mode}) is ready.`,
    `  Issuer:            ${issuer}`,
    `  Discovery:         ${issuer}/.well-known/openid-configuration`,
    `  Open Banking API:  ${issuer}/open-banking/v4.0/aisp and …/pisp`,
    `  Partner portal:    ${issuer}/portal`,
    `  Connected apps:    ${issuer}/account  (customers see and revoke what they shared)`,
    `  Registration:      ${issuer}/register  (Dynamic Client Registration with a software statement)`,
  ];
  if (previousIssuer !== null && previousIssuer !== issuer) {
    lines.push(
      '',
      `This database was served under ${previousIssuer} until now: access tokens, client assertions and software`,
      'statements made for that issuer are refused from now on (README "Moving the bank to a new ISSUER").',
    );
  }
  if (mode === 'sandbox') {
    lines.push('', 'Sandbox customers (username / password):');
    for (const customer of describeSandboxCustomers()) {
      const accounts = customer.accounts.map((account) => `${account.AccountId} (${account.Currency})`).join(', ');
      lines.push(`  ${customer.username.padEnd(8)} ${customer.password.padEnd(18)} ${accounts}`);
    }
  }
  lines.push('', ...registrationHelp(config), '');
  return `${lines.join('\n')}\n`;
}

/** How to register a first partner app: the portal, or the commands to run (none when the database is in memory). */
function registrationHelp(config: Config): string[] {
  const portal = `Register a partner app in the portal (${config.issuer}/portal/signup)`;
  const databaseUrl = displayDatabaseUrl(config.database, REPOSITORY);
  if (config.database.kind === 'sqlite' && config.database.file === ':memory:') return [`${portal}.`];
  const openteller = `${databaseUrl === null ? '' : `DATABASE_URL=${shellWord(databaseUrl)} `}npx openteller`;
  const passwordNote = databaseUrl?.includes('<password>') ? ['  (put the database password in place of <password>; it is never printed)'] : [];
  if (config.mode === 'production') {
    return [
      `${portal}, or from the command line with the server's OPENTELLER_MODE, SIGNING_KEYS_FILE, COOKIE_SECRETS and`,
      "TRUST_PROXY, and the partner's public key set:",
      `  ${openteller} partner create --name "Partner App" --redirect-uri https://app.example.com/callback \\`,
      '    --jwks-file partner-public-jwks.json --roles AISP',
      ...passwordNote,
    ];
  }
  return [
    `${portal}, or from the command line in this repository:`,
    '  node partner-portal-docs/examples/generate-keys.mjs "$HOME/my-app"',
    `  ${openteller} partner create --name "My App" --redirect-uri http://localhost:8080/callback \\`,
    '    --jwks-file "$HOME/my-app/public-jwks.json" --roles AISP',
    ...passwordNote,
    `Then follow partner-portal-docs/getting-started.md${config.issuer === DEFAULT_ISSUER ? '' : `, giving its examples ISSUER=${config.issuer}`}.`,
  ];
}

/** `value` as one word of a POSIX shell command line: as it is if it is safe, else in single quotes. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
