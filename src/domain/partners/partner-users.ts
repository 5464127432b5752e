import { createHash, randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/password-hash.js';
import { checkPasswordLogin, type LoginAttemptStore, type LoginResult } from '../auth/password-login.js';
import { ActionNotAllowed, InvalidField } from '../errors.js';
import { hasControlCharacter } from '../text.js';
import { newId } from '../ids.js';
import type { MailOutbox } from '../mail/outbound-mail.js';
import type { Partner } from './partner-app.js';

/** A person who logs in to the partner portal for an organisation. */
export interface PartnerUser {
  /** `usr_…`. */
  readonly id: string;
  readonly partnerId: string;
  /** Lower-case; unique across the platform. */
  readonly email: string;
  readonly passwordHash: string;
  /** Null until the user follows the link mailed at sign-up: until then no app can be created. */
  readonly emailConfirmedAt: Date | null;
  readonly failedLoginCount: number;
  readonly lockedUntil: Date | null;
  readonly createdAt: Date;
}

/** A single-use email confirmation: only the SHA-256 of the mailed token is stored. */
export interface EmailConfirmation {
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

/** Persistence of portal users. */
export interface PartnerUserStore extends LoginAttemptStore {
  /**
   * Stores a new organisation and its first user, atomically.
   * @returns false, storing nothing, when the email address is already registered.
   */
  insertWithPartner(partner: Partner, user: PartnerUser, confirmation: EmailConfirmation): Promise<boolean>;
  findByEmail(email: string): Promise<PartnerUser | null>;
  findById(id: string): Promise<PartnerUser | null>;
  /** Replaces the user's pending confirmation (a new link mailed). */
  replaceConfirmation(userId: string, confirmation: EmailConfirmation): Promise<void>;
  /**
   * Confirms the email of the user whose pending confirmation has this hash and has not expired at `now`, and
   * clears it (the link works once).
   * @returns the user's id, or null when no pending confirmation matches.
   */
  confirmEmail(tokenHash: string, now: Date): Promise<string | null>;
}

/** What signing up needs. */
export interface SignUpServices {
  readonly users: PartnerUserStore;
  readonly outbox: MailOutbox;
  /** The public URL of the confirmation page for a token. */
  readonly confirmationLink: (token: string) => string;
}

/** What a partner fills in to sign up. Untrusted. */
export interface SignUp {
  readonly organisationName: string;
  readonly email: string;
  readonly password: string;
}

/** Confirmation links work for one day. */
const CONFIRMATION_TTL_MS = 24 * 3600_000;
const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;
/** A pragmatic address check (one `@`, a dotted domain, no spaces); the confirmation mail proves the rest. */
const EMAIL = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * Signs up an organisation with its first portal user, and mails a confirmation link.
 * @throws InvalidField (path `organisationName`, `email` or `password`) for a bad value or an address already
 *   registered.
 */
export async function signUpPartner(services: SignUpServices, signUp: SignUp, now: Date): Promise<PartnerUser> {
  const organisationName = signUp.organisationName.trim();
  if (!organisationName || organisationName.length > 140 || hasControlCharacter(organisationName)) {
    throw new InvalidField('The organisation name must have 1 to 140 characters', 'organisationName');
  }
  const email = normaliseEmail(signUp.email);
  if (!EMAIL.test(email) || email.length > 254) throw new InvalidField('Enter an email address like name@example.com', 'email');
  if (signUp.password.length < MIN_PASSWORD_LENGTH || signUp.password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidField(`The password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, 'password');
  }
  if (signUp.password.trim().toLowerCase() === email) throw new InvalidField('The password must not be your email address', 'password');
  const partner: Partner = { id: newId('ptn'), name: organisationName, status: 'active', createdAt: now };
  const user: PartnerUser = {
    id: newId('usr'),
    partnerId: partner.id,
    email,
    passwordHash: await hashPassword(signUp.password),
    emailConfirmedAt: null,
    failedLoginCount: 0,
    lockedUntil: null,
    createdAt: now,
  };
  const { token, confirmation } = newConfirmation(now);
  if (!(await services.users.insertWithPartner(partner, user, confirmation))) {
    throw new InvalidField('An account with this email address already exists: log in instead', 'email');
  }
  await mailConfirmation(services, user, organisationName, token, now);
  return user;
}

/**
 * Mails a fresh confirmation link to a user whose address is not confirmed yet (the previous link stops working).
 * A confirmed user is left alone.
 */
export async function resendConfirmation(services: SignUpServices, user: PartnerUser, organisationName: string, now: Date): Promise<void> {
  if (user.emailConfirmedAt) return;
  const { token, confirmation } = newConfirmation(now);
  await services.users.replaceConfirmation(user.id, confirmation);
  await mailConfirmation(services, user, organisationName, token, now);
}

/**
 * Confirms an email address from the mailed link.
 * @returns the confirmed user's id.
 * @throws InvalidField (path `token`) for an unknown, used or expired link.
 */
export async function confirmPartnerEmail(users: PartnerUserStore, token: string, now: Date): Promise<string> {
  const userId = /^[A-Za-z0-9_-]{43}$/.test(token) ? await users.confirmEmail(hashToken(token), now) : null;
  if (!userId) throw new InvalidField('This confirmation link is invalid, was already used or has expired. Log in to get a new one.', 'token');
  return userId;
}

/**
 * Only a user whose email address is confirmed registers apps (the bank knows how to reach whoever owns them).
 * @throws ActionNotAllowed otherwise.
 */
export function assertMayRegisterApps(user: PartnerUser): void {
  if (!user.emailConfirmedAt) throw new ActionNotAllowed('Confirm your email address first: follow the link we sent you.');
}

/** Checks a portal login (email case-insensitive) with lockout after repeated failures. */
export async function logInPartnerUser(users: PartnerUserStore, email: string, password: string, now: Date): Promise<LoginResult<PartnerUser>> {
  const normalised = normaliseEmail(email);
  const user = normalised.length <= 254 ? await users.findByEmail(normalised) : null;
  return checkPasswordLogin(users, user, password.slice(0, MAX_PASSWORD_LENGTH), now);
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function newConfirmation(now: Date): { token: string; confirmation: EmailConfirmation } {
  const token = randomBytes(32).toString('base64url');
  return { token, confirmation: { tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + CONFIRMATION_TTL_MS) } };
}

async function mailConfirmation(services: SignUpServices, user: PartnerUser, organisationName: string, token: string, now: Date): Promise<void> {
  await services.outbox.send({
    id: newId('msg'),
    recipient: user.email,
    subject: 'Confirm your email address for the OpenTeller partner portal',
    text: [
      `Hello ${organisationName},`,
      '',
      'Confirm your email address to start creating apps:',
      services.confirmationLink(token),
      '',
      'The link works once, for 24 hours. If you did not sign up, ignore this email.',
    ].join('\n'),
    createdAt: now,
  });
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
