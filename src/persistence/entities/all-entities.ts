import type { EntitySchema } from 'typeorm';
import { accountEntity, accountIdentificationEntity } from './account.entity.js';
import { bankSettingEntity } from './bank-setting.entity.js';
import { columnTypes, type Dialect } from './column-types.js';
import { consentAccountEntity, consentEntity } from './consent.entity.js';
import { customerEntity } from './customer.entity.js';
import { entryEntity, transferEntity } from './ledger.entity.js';
import { fundsConfirmationEntity } from './funds-confirmation.entity.js';
import { eventDeliveryAttemptEntity, eventNotificationEntity, eventSequenceEntity, eventSubscriptionEntity } from './event.entity.js';
import { oidcModelEntity } from './oidc-model.entity.js';
import { partnerEntity, partnerUserEntity, softwareEntity } from './partner.entity.js';
import { apiCallEntity, outboundMailEntity, webSessionEntity } from './portal.entity.js';
import { idempotencyKeyEntity, paymentEntity } from './payment.entity.js';
import { replayGuardEntity } from './replay-guard.entity.js';
import { serverKeyEntity } from './server-key.entity.js';
import { testClockEntity } from './test-clock.entity.js';

/** Every entity of the schema, with the column options of the given dialect. */
export function createEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  return [
    oidcModelEntity(types),
    replayGuardEntity(types),
    serverKeyEntity(types),
    bankSettingEntity(types),
    customerEntity(types),
    accountEntity(types),
    accountIdentificationEntity(types),
    transferEntity(types),
    entryEntity(types),
    consentEntity(types),
    consentAccountEntity(types),
    partnerEntity(types),
    softwareEntity(types),
    partnerUserEntity(types),
    webSessionEntity(types),
    outboundMailEntity(types),
    apiCallEntity(types),
    paymentEntity(types),
    idempotencyKeyEntity(types),
    eventSubscriptionEntity(types),
    eventSequenceEntity(types),
    eventNotificationEntity(types),
    eventDeliveryAttemptEntity(types),
    fundsConfirmationEntity(types),
    testClockEntity(types),
  ];
}
