import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';
import { EntryStatusIndex1763900000000 } from './1763900000000-entry-status-index.js';
import { Payments1764000000000 } from './1764000000000-payments.js';
import { PartnerOnboarding1764100000000 } from './1764100000000-partner-onboarding.js';
import { BankSettings1764200000000 } from './1764200000000-bank-settings.js';
import { EventNotifications1764300000000 } from './1764300000000-event-notifications.js';
import { EventPushClaims1764400000000 } from './1764400000000-event-push-claims.js';
import { CustomerEmail1764500000000 } from './1764500000000-customer-email.js';
import { ConsentExpiryIndex1764600000000 } from './1764600000000-consent-expiry-index.js';
import { VrpConsents1764700000000 } from './1764700000000-vrp-consents.js';
import { PaymentInstructions1764800000000 } from './1764800000000-payment-instructions.js';
import { ApiCallReason1764900000000 } from './1764900000000-api-call-reason.js';
import { EventPushByAppIndex1765000000000 } from './1765000000000-event-push-by-app-index.js';
import { FundsConfirmations1765100000000 } from './1765100000000-funds-confirmations.js';
import { ScheduledPayments1765200000000 } from './1765200000000-scheduled-payments.js';
import { InternationalPayments1765300000000 } from './1765300000000-international-payments.js';
import { TestClocks1765400000000 } from './1765400000000-test-clocks.js';
import { AppChangeMark1765450000000 } from './1765450000000-app-change-mark.js';
import { PaymentExecutedAt1765500000000 } from './1765500000000-payment-executed-at.js';
import { EventSequencer1765520000000 } from './1765520000000-event-sequencer.js';

/** The sqlite migrations, oldest first. */
export const sqliteMigrations = [
  InitialSchema1763800000000,
  EntryStatusIndex1763900000000,
  Payments1764000000000,
  PartnerOnboarding1764100000000,
  BankSettings1764200000000,
  EventNotifications1764300000000,
  EventPushClaims1764400000000,
  CustomerEmail1764500000000,
  ConsentExpiryIndex1764600000000,
  VrpConsents1764700000000,
  PaymentInstructions1764800000000,
  ApiCallReason1764900000000,
  EventPushByAppIndex1765000000000,
  FundsConfirmations1765100000000,
  ScheduledPayments1765200000000,
  InternationalPayments1765300000000,
  TestClocks1765400000000,
  AppChangeMark1765450000000,
  PaymentExecutedAt1765500000000,
  EventSequencer1765520000000,
];
