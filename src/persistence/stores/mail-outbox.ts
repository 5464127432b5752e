import type { DataSource } from 'typeorm';
import type { MailOutbox, OutboundMail } from '../../domain/mail/outbound-mail.js';
import type { OutboundMailRow } from '../entities/portal.entity.js';

/** Outgoing mail kept in `outbound_mail`: the sandbox mailbox reads it (no mail leaves the machine). */
export class TypeOrmMailOutbox implements MailOutbox {
  constructor(private readonly dataSource: DataSource) {}

  private get mail() {
    return this.dataSource.getRepository<OutboundMailRow>('OutboundMail');
  }

  async send(mail: OutboundMail): Promise<void> {
    await this.mail.insert({ ...mail });
  }

  async listFor(recipient: string, limit: number): Promise<OutboundMail[]> {
    return this.mail.find({ where: { recipient }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
  }
}
