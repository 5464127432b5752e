// Proves partner portal sign-up (validation, unique email, mailed single-use confirmation link that expires after a day and is replaced on resend) and portal login (case-insensitive email, lockout after five failures) against in-memory stores.
import assert from 'node:assert/strict';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';
import { describe, test } from 'node:test';
import { verifyPassword } from '../auth/password-hash.js';
import { ActionNotAllowed, InvalidField } from '../errors.js';
import type { MailOutbox, OutboundMail } from '../mail/outbound-mail.js';
import type { Partner } from './partner-app.js';
import {
  assertMayRegisterApps,
  confirmPartnerEmail,
  logInPartnerUser,
  resendConfirmation,
  signUpPartner,
  type EmailConfirmation,
  type PartnerUser,
  type PartnerUserStore,
  type SignUp,
  type SignUpServices,
} from './partner-users.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const DAY_MS = 24 * 3600_000;
const PASSWORD = 'correct horse battery';
const LINK_BASE = 'https://portal.bank.example.com/portal/confirm?token=';

/**
 * A PartnerUserStore in memory with the semantics of the TypeORM store: unique emails, one pending confirmation
 * per user (only its hash), confirmation single-use and valid strictly before its expiry, and login bookkeeping as
 * conditional updates. Each method yields to the event loop before it reads, so concurrent callers interleave.
 */
class InMemoryPartnerUserStore implements PartnerUserStore {
  readonly partners = new Map<string, Partner>();
  readonly users = new Map<string, PartnerUser>();
  readonly confirmations = new Map<string, EmailConfirmation>();
  /** How many times confirmEmail was asked (to prove malformed tokens never reach the store). */
  confirmCalls = 0;
  /** How many login attempts were counted. */
  reservedAttempts = 0;

  async insertWithPartner(partner: Partner, user: PartnerUser, confirmation: EmailConfirmation): Promise<boolean> {
    await tick();
    if ([...this.users.values()].some((existing) => existing.email === user.email)) return false;
    this.partners.set(partner.id, { ...partner });
    this.users.set(user.id, { ...user });
    this.confirmations.set(user.id, { ...confirmation });
    return true;
  }

  async findByEmail(email: string): Promise<PartnerUser | null> {
    await tick();
    const user = [...this.users.values()].find((existing) => existing.email === email);
    return user ? { ...user } : null;
  }

  async findById(id: string): Promise<PartnerUser | null> {
    await tick();
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  async replaceConfirmation(userId: string, confirmation: EmailConfirmation): Promise<void> {
    await tick();
    if (this.users.has(userId)) this.confirmations.set(userId, { ...confirmation });
  }

  async confirmEmail(tokenHash: string, now: Date): Promise<string | null> {
    this.confirmCalls += 1;
    await tick();
    for (const [userId, confirmation] of this.confirmations) {
      if (confirmation.tokenHash !== tokenHash) continue;
      if (confirmation.expiresAt.getTime() <= now.getTime()) return null;
      const user = this.users.get(userId) as PartnerUser;
      this.users.set(userId, { ...user, emailConfirmedAt: user.emailConfirmedAt ?? now });
      this.confirmations.delete(userId);
      return userId;
    }
    return null;
  }

  async reserveLoginAttempt(id: string, now: Date, maxAttempts: number): Promise<boolean> {
    await tick();
    const user = this.users.get(id);
    if (!user || (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) || user.failedLoginCount >= maxAttempts) return false;
    this.users.set(id, { ...user, failedLoginCount: user.failedLoginCount + 1 });
    this.reservedAttempts += 1;
    return true;
  }

  async lockIfAttemptsExhausted(id: string, maxAttempts: number, lockUntil: Date): Promise<boolean> {
    await tick();
    const user = this.users.get(id);
    if (!user || user.failedLoginCount < maxAttempts) return false;
    this.users.set(id, { ...user, failedLoginCount: 0, lockedUntil: lockUntil });
    return true;
  }

  async recordSuccessfulLogin(id: string): Promise<void> {
    await tick();
    const user = this.users.get(id);
    if (user) this.users.set(id, { ...user, failedLoginCount: 0, lockedUntil: null });
  }
}

/** A MailOutbox in memory: everything sent, in order. */
class InMemoryMailOutbox implements MailOutbox {
  readonly sent: OutboundMail[] = [];

  async send(mail: OutboundMail): Promise<void> {
    await tick();
    this.sent.push({ ...mail });
  }

  async listFor(recipient: string, limit: number): Promise<OutboundMail[]> {
    await tick();
    return this.sent
      .filter((mail) => mail.recipient === recipient)
      .reverse()
      .slice(0, limit);
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type Services = SignUpServices & { users: InMemoryPartnerUserStore; outbox: InMemoryMailOutbox };

function newServices(): Services {
  return { users: new InMemoryPartnerUserStore(), outbox: new InMemoryMailOutbox(), confirmationLink: (token) => `${LINK_BASE}${token}` };
}

function signUp(overrides: Partial<SignUp> = {}): SignUp {
  return { organisationName: 'Budget Buddy Ltd', email: 'dev@budget.example.com', password: PASSWORD, ...overrides };
}

/** The token of the link in a confirmation mail. */
function tokenIn(mail: OutboundMail | undefined): string {
  assert.ok(mail, 'no mail was sent');
  const match = new RegExp(`${LINK_BASE.replace(/[.?]/g, '\\$&')}([A-Za-z0-9_-]+)`).exec(mail.text);
  assert.ok(match, `no confirmation link in ${mail.text}`);
  return match[1] as string;
}

describe('signUpPartner', () => {
  test('a valid sign-up → organisation and unconfirmed user stored, email lower-cased, password hashed', async () => {
    const services = newServices();
    const user = await signUpPartner(services, signUp({ organisationName: '  Budget Buddy Ltd ', email: '  Dev@Budget.Example.COM ' }), NOW);
    assert.match(user.id, /^usr_/);
    assert.match(user.partnerId, /^ptn_/);
    assert.equal(user.email, 'dev@budget.example.com');
    assert.equal(user.emailConfirmedAt, null);
    assert.equal(user.failedLoginCount, 0);
    assert.equal(user.lockedUntil, null);
    assert.deepEqual(user.createdAt, NOW);
    assert.notEqual(user.passwordHash, PASSWORD);
    assert.equal(await verifyPassword(PASSWORD, user.passwordHash), true);
    assert.deepEqual(services.users.partners.get(user.partnerId), { id: user.partnerId, name: 'Budget Buddy Ltd', status: 'active', createdAt: NOW });
    assert.deepEqual(services.users.users.get(user.id), user);
    assert.deepEqual(services.users.confirmations.get(user.id)?.expiresAt, new Date(NOW.getTime() + DAY_MS));
  });

  test('a valid sign-up → one mail to the address with a confirmation link whose token is stored only as a hash', async () => {
    const services = newServices();
    const user = await signUpPartner(services, signUp(), NOW);
    assert.equal(services.outbox.sent.length, 1);
    const mail = services.outbox.sent[0] as OutboundMail;
    assert.equal(mail.recipient, 'dev@budget.example.com');
    assert.match(mail.subject, /Confirm your email address/);
    assert.match(mail.id, /^msg_/);
    assert.deepEqual(mail.createdAt, NOW);
    assert.match(mail.text, /Hello Budget Buddy Ltd,/);
    const token = tokenIn(mail);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const stored = services.users.confirmations.get(user.id);
    assert.notEqual(stored?.tokenHash, token);
    assert.ok(!JSON.stringify([...services.users.users.values()]).includes(token));
  });

  test('a blank, 141-character or control-character organisation name → InvalidField organisationName, nothing stored or mailed', async () => {
    const services = newServices();
    for (const organisationName of ['', '   ', 'o'.repeat(141), 'Budget\tBuddy']) {
      await assert.rejects(
        signUpPartner(services, signUp({ organisationName }), NOW),
        isError(InvalidField, 'organisationName'),
        JSON.stringify(organisationName),
      );
    }
    assert.equal(services.users.users.size, 0);
    assert.equal(services.outbox.sent.length, 0);
  });

  test('a malformed email address → InvalidField email', async () => {
    const services = newServices();
    for (const email of [
      '',
      'dev',
      'dev@',
      '@budget.example.com',
      'dev@localhost',
      'd ev@budget.example.com',
      'dev@@budget.example.com',
      'dev@-budget.example.com',
      'dev@budget..example.com',
      `${'d'.repeat(65)}@budget.example.com`,
      '<dev>@budget.example.com',
    ]) {
      await assert.rejects(signUpPartner(services, signUp({ email }), NOW), isError(InvalidField, 'email'), email);
    }
    assert.equal(services.users.users.size, 0);
  });

  test('an email longer than 254 characters → InvalidField email', async () => {
    const label = 'a'.repeat(60);
    const email = `dev@${[label, label, label, label, 'example'].join('.')}.com`;
    assert.ok(email.length > 254);
    await assert.rejects(signUpPartner(newServices(), signUp({ email }), NOW), isError(InvalidField, 'email'));
  });

  test('a password of 11 or 257 characters → InvalidField password; 12 and 256 → accepted', async () => {
    const services = newServices();
    await assert.rejects(signUpPartner(services, signUp({ password: 'p'.repeat(11) }), NOW), isError(InvalidField, 'password'));
    await assert.rejects(signUpPartner(services, signUp({ password: 'p'.repeat(257) }), NOW), isError(InvalidField, 'password'));
    await signUpPartner(services, signUp({ email: 'twelve@budget.example.com', password: 'p'.repeat(12) }), NOW);
    await signUpPartner(services, signUp({ email: 'long@budget.example.com', password: 'p'.repeat(256) }), NOW);
    assert.equal(services.users.users.size, 2);
  });

  test('the email address as password (any case) → InvalidField password', async () => {
    await assert.rejects(
      signUpPartner(newServices(), signUp({ email: 'dev@budget.example.com', password: ' DEV@Budget.example.com' }), NOW),
      isError(InvalidField, 'password'),
    );
  });

  test('an address already registered (other case) → InvalidField email, no second organisation, no second mail', async () => {
    const services = newServices();
    await signUpPartner(services, signUp(), NOW);
    await assert.rejects(
      signUpPartner(services, signUp({ organisationName: 'Copycat Ltd', email: 'DEV@budget.example.com' }), NOW),
      isError(InvalidField, 'email'),
    );
    assert.equal(services.users.users.size, 1);
    assert.equal(services.users.partners.size, 1);
    assert.equal(services.outbox.sent.length, 1);
  });

  test('two concurrent sign-ups with one address → exactly one account', async () => {
    const services = newServices();
    const results = await Promise.allSettled([
      signUpPartner(services, signUp(), NOW),
      signUpPartner(services, signUp({ organisationName: 'Twin Ltd' }), NOW),
    ]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    assert.equal(services.users.users.size, 1);
    assert.equal(services.outbox.sent.length, 1);
  });
});

describe('confirmPartnerEmail', () => {
  test('the mailed token → the user id, email confirmed at that time', async () => {
    const services = newServices();
    const user = await signUpPartner(services, signUp(), NOW);
    const later = new Date(NOW.getTime() + 3600_000);
    assert.equal(await confirmPartnerEmail(services.users, tokenIn(services.outbox.sent[0]), later), user.id);
    assert.deepEqual(services.users.users.get(user.id)?.emailConfirmedAt, later);
  });

  test('the same link a second time → InvalidField token', async () => {
    const services = newServices();
    await signUpPartner(services, signUp(), NOW);
    const token = tokenIn(services.outbox.sent[0]);
    await confirmPartnerEmail(services.users, token, NOW);
    await assert.rejects(confirmPartnerEmail(services.users, token, NOW), isError(InvalidField, 'token'));
  });

  test('a link used just before 24 hours → accepted; at 24 hours → InvalidField token, email unconfirmed', async () => {
    const services = newServices();
    const first = await signUpPartner(services, signUp(), NOW);
    const second = await signUpPartner(services, signUp({ email: 'other@budget.example.com' }), NOW);
    assert.equal(await confirmPartnerEmail(services.users, tokenIn(services.outbox.sent[0]), new Date(NOW.getTime() + DAY_MS - 1)), first.id);
    await assert.rejects(
      confirmPartnerEmail(services.users, tokenIn(services.outbox.sent[1]), new Date(NOW.getTime() + DAY_MS)),
      isError(InvalidField, 'token'),
    );
    assert.equal(services.users.users.get(second.id)?.emailConfirmedAt, null);
  });

  test('a malformed token (empty, short, too long, padded, other characters) → InvalidField token without asking the store', async () => {
    const services = newServices();
    await signUpPartner(services, signUp(), NOW);
    const token = tokenIn(services.outbox.sent[0]);
    for (const bad of ['', 'abc', `${token}A`, token.slice(1), `${token.slice(0, 42)}=`, `${token.slice(0, 42)}+`, `${token.slice(0, 42)}/`]) {
      await assert.rejects(confirmPartnerEmail(services.users, bad, NOW), isError(InvalidField, 'token'), bad);
    }
    assert.equal(services.users.confirmCalls, 0);
  });

  test('a well-formed token nobody was sent → InvalidField token', async () => {
    const services = newServices();
    await signUpPartner(services, signUp(), NOW);
    await assert.rejects(confirmPartnerEmail(services.users, 'A'.repeat(43), NOW), isError(InvalidField, 'token'));
  });
});

describe('resendConfirmation', () => {
  test('an unconfirmed user → a new link mailed; the old link stops working, the new one confirms', async () => {
    const services = newServices();
    const user = await signUpPartner(services, signUp(), NOW);
    const oldToken = tokenIn(services.outbox.sent[0]);
    const later = new Date(NOW.getTime() + 3600_000);
    await resendConfirmation(services, user, 'Budget Buddy Ltd', later);
    assert.equal(services.outbox.sent.length, 2);
    const newToken = tokenIn(services.outbox.sent[1]);
    assert.notEqual(newToken, oldToken);
    assert.deepEqual(services.users.confirmations.get(user.id)?.expiresAt, new Date(later.getTime() + DAY_MS));
    await assert.rejects(confirmPartnerEmail(services.users, oldToken, later), isError(InvalidField, 'token'));
    assert.equal(await confirmPartnerEmail(services.users, newToken, later), user.id);
  });

  test('a confirmed user → nothing mailed, nothing replaced', async () => {
    const services = newServices();
    const user = await signUpPartner(services, signUp(), NOW);
    await confirmPartnerEmail(services.users, tokenIn(services.outbox.sent[0]), NOW);
    const confirmed = services.users.users.get(user.id) as PartnerUser;
    await resendConfirmation(services, confirmed, 'Budget Buddy Ltd', NOW);
    assert.equal(services.outbox.sent.length, 1);
    assert.equal(services.users.confirmations.has(user.id), false);
  });
});

describe('logInPartnerUser', () => {
  async function signedUp(): Promise<{ services: Services; user: PartnerUser }> {
    const services = newServices();
    return { services, user: await signUpPartner(services, signUp(), NOW) };
  }

  test('the right password, email in another case with spaces → ok with the user', async () => {
    const { services, user } = await signedUp();
    const result = await logInPartnerUser(services.users, '  DEV@Budget.Example.com ', PASSWORD, NOW);
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.holder.id, user.id);
  });

  test('a wrong password → invalid-credentials; an unknown email → the same', async () => {
    const { services } = await signedUp();
    assert.deepEqual(await logInPartnerUser(services.users, 'dev@budget.example.com', 'wrong password!', NOW), {
      ok: false,
      reason: 'invalid-credentials',
    });
    assert.deepEqual(await logInPartnerUser(services.users, 'nobody@budget.example.com', PASSWORD, NOW), {
      ok: false,
      reason: 'invalid-credentials',
    });
  });

  test('five wrong passwords → the fifth locks for 15 minutes; then even the right password → locked; after the lock → ok', async () => {
    const { services, user } = await signedUp();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      assert.deepEqual(
        await logInPartnerUser(services.users, user.email, `wrong password ${attempt}`, NOW),
        { ok: false, reason: 'invalid-credentials' },
        `attempt ${attempt}`,
      );
    }
    const lockedUntil = new Date(NOW.getTime() + 15 * 60_000);
    assert.deepEqual(await logInPartnerUser(services.users, user.email, 'wrong password 5', NOW), {
      ok: false,
      reason: 'invalid-credentials',
      lockedUntil,
    });
    const duringLock = new Date(NOW.getTime() + 14 * 60_000);
    assert.deepEqual(await logInPartnerUser(services.users, user.email, PASSWORD, duringLock), { ok: false, reason: 'locked', lockedUntil });
    const afterLock = new Date(NOW.getTime() + 15 * 60_000);
    assert.equal((await logInPartnerUser(services.users, user.email, PASSWORD, afterLock)).ok, true);
    assert.equal(services.users.users.get(user.id)?.lockedUntil, null);
    assert.equal(services.users.users.get(user.id)?.failedLoginCount, 0);
  });

  test('four failures then the right password → ok and the count starts again', async () => {
    const { services, user } = await signedUp();
    for (let attempt = 1; attempt <= 4; attempt += 1) await logInPartnerUser(services.users, user.email, 'wrong password!', NOW);
    assert.equal((await logInPartnerUser(services.users, user.email, PASSWORD, NOW)).ok, true);
    assert.equal(services.users.users.get(user.id)?.failedLoginCount, 0);
    assert.deepEqual(await logInPartnerUser(services.users, user.email, 'wrong password!', NOW), { ok: false, reason: 'invalid-credentials' });
  });

  test('eight concurrent wrong guesses → at most five are checked, the user ends locked', async () => {
    const { services, user } = await signedUp();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => logInPartnerUser(services.users, user.email, `guess number ${index}`, NOW)),
    );
    assert.ok(results.every((result) => !result.ok));
    assert.equal(services.users.reservedAttempts, 5);
    assert.ok((services.users.users.get(user.id)?.lockedUntil?.getTime() ?? 0) > NOW.getTime());
    assert.equal((await logInPartnerUser(services.users, user.email, PASSWORD, NOW)).ok, false);
  });
});

describe('assertMayRegisterApps', () => {
  test('a user whose email is not confirmed → ActionNotAllowed; confirmed → allowed', () => {
    const user = {
      id: 'usr_1',
      partnerId: 'ptn_1',
      email: 'a@b.example',
      passwordHash: 'x',
      emailConfirmedAt: null,
      failedLoginCount: 0,
      lockedUntil: null,
      createdAt: NOW,
    };
    assert.throws(
      () => assertMayRegisterApps(user),
      (error: unknown) => error instanceof ActionNotAllowed && /Confirm your email address/.test(error.message),
    );
    assert.doesNotThrow(() => assertMayRegisterApps({ ...user, emailConfirmedAt: NOW }));
  });
});
