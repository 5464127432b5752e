import { effectiveStatus, type AppStanding, type Partner, type PartnerApp, type PartnerStore } from '../../src/domain/partners/partner-app.js';

/**
 * A PartnerStore in memory for domain tests, with the semantics of the TypeORM store: `saveApps` writes every app
 * only if each stored `version` is still the app's (the stored version then goes up by one), all or nothing;
 * `insertApp` stores the app and, when given, its new partner together; apps are read joined with their partner
 * (its current name), newest first. Each method yields to the event loop before it reads, so concurrent callers
 * really interleave; each compare-and-set happens in one synchronous step, as in one SQL transaction.
 */
export class InMemoryPartnerStore implements PartnerStore {
  private readonly partners = new Map<string, Partner>();
  private readonly apps = new Map<string, PartnerApp>();
  /** Every successful `saveApps`, in order: the client ids written together (for assertions). */
  readonly saves: string[][] = [];
  /** How many `saveApps` calls found a version changed meanwhile and wrote nothing. */
  conflicts = 0;

  async insertApp(app: PartnerApp, partner: Partner | null): Promise<void> {
    await tick();
    if (this.apps.has(app.clientId)) throw new Error(`duplicate client id ${app.clientId}`);
    if (partner && this.partners.has(partner.id)) throw new Error(`duplicate partner id ${partner.id}`);
    // The real store joins apps with their partner: an app without one could never be read back.
    if (!partner && !this.partners.has(app.partnerId)) throw new Error(`no partner ${app.partnerId} for app ${app.clientId}`);
    if (partner && partner.id !== app.partnerId) throw new Error(`app ${app.clientId} is not of partner ${partner.id}`);
    if (partner) this.partners.set(partner.id, copyPartner(partner));
    this.apps.set(app.clientId, copyApp(app));
  }

  async findApp(clientId: string): Promise<PartnerApp | null> {
    await tick();
    const app = this.apps.get(clientId);
    return app ? this.joined(app) : null;
  }

  async findAppStanding(clientId: string): Promise<AppStanding | null> {
    await tick();
    const app = this.apps.get(clientId);
    if (!app) return null;
    const software = [...this.apps.values()].find(
      (other) => other.softwareId === app.softwareId && other.partnerId === app.partnerId && other.origin !== 'dcr',
    );
    return { status: effectiveStatus(app.status, software?.status ?? null), version: app.version };
  }

  async findPartner(partnerId: string): Promise<Partner | null> {
    await tick();
    const partner = this.partners.get(partnerId);
    return partner ? copyPartner(partner) : null;
  }

  async listApps(partnerId: string): Promise<PartnerApp[]> {
    await tick();
    return this.list((app) => app.partnerId === partnerId);
  }

  async listAppsOfSoftware(softwareId: string): Promise<PartnerApp[]> {
    await tick();
    return this.list((app) => app.softwareId === softwareId);
  }

  async insertPartnerIfAbsent(partner: Partner): Promise<void> {
    await tick();
    if (!this.partners.has(partner.id)) this.partners.set(partner.id, copyPartner(partner));
  }

  async saveApps(apps: readonly PartnerApp[]): Promise<boolean> {
    await tick();
    const unchanged = apps.every((app) => this.apps.get(app.clientId)?.version === app.version);
    if (!unchanged) {
      this.conflicts += 1;
      return false;
    }
    for (const app of apps) {
      const stored = this.apps.get(app.clientId) as PartnerApp;
      // As the UPDATE: every column but the key and created_at, and version + 1.
      this.apps.set(app.clientId, { ...copyApp(app), createdAt: stored.createdAt, version: stored.version + 1 });
    }
    this.saves.push(apps.map((app) => app.clientId));
    return true;
  }

  /** Test setup: puts an organisation in as it stands (any status). */
  putPartner(partner: Partner): void {
    this.partners.set(partner.id, copyPartner(partner));
  }

  /** Test setup: puts an app in as it stands (any status, version), without a compare-and-set. */
  putApp(app: PartnerApp): void {
    this.apps.set(app.clientId, copyApp(app));
  }

  /** Test assertions: the app as stored, synchronously (null when absent). */
  stored(clientId: string): PartnerApp | null {
    const app = this.apps.get(clientId);
    return app ? this.joined(app) : null;
  }

  /** How many apps and partners the store holds. */
  get size(): { apps: number; partners: number } {
    return { apps: this.apps.size, partners: this.partners.size };
  }

  private list(predicate: (app: PartnerApp) => boolean): PartnerApp[] {
    return [...this.apps.values()]
      .filter((app) => predicate(app) && this.partners.has(app.partnerId))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0))
      .map((app) => this.joined(app) as PartnerApp);
  }

  /** The app with its partner's name, as the real store's join reads it; null when its partner is missing. */
  private joined(app: PartnerApp): PartnerApp | null {
    const partner = this.partners.get(app.partnerId);
    return partner ? { ...copyApp(app), partnerName: partner.name } : null;
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A deep copy: callers must never be able to change what the store holds by mutating a result. */
function copyApp(app: PartnerApp): PartnerApp {
  return structuredClone(app);
}

function copyPartner(partner: Partner): Partner {
  return { ...partner, createdAt: new Date(partner.createdAt) };
}
