// Open Messaging integrations (§2): what an operator creates once per bot platform. The emulator keeps
// them in memory; creation is asynchronous like Genesys' (`createStatus` Initiated → Completed).
import { randomUUID } from 'node:crypto';

export type CreateStatus = 'Initiated' | 'Completed' | 'Error';

export interface IntegrationFields {
  readonly name: string;
  readonly outboundNotificationWebhookUrl: string;
  readonly outboundNotificationWebhookSignatureSecretToken: string;
  readonly webhookHeaders?: Readonly<Record<string, string>> | undefined;
  readonly supportedContentId?: string | undefined;
  readonly messagingSettingId?: string | undefined;
}

export interface Integration extends IntegrationFields {
  readonly id: string;
  /** The routing recipient an Inbound Message flow is attached to (§2). */
  readonly recipientId: string;
  readonly createStatus: CreateStatus;
  readonly dateCreated: string;
  readonly dateModified: string;
  readonly createdBy: string;
  readonly modifiedBy: string;
}

export class IntegrationStore {
  readonly #integrations = new Map<string, Integration>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #provisioningMs: number;

  constructor(provisioningMs: number) {
    this.#provisioningMs = provisioningMs;
  }

  /** §2: answered while still `Initiated`; `Completed` after the provisioning delay. */
  create(fields: IntegrationFields, by: string, options: { id?: string; ready?: boolean } = {}): Integration {
    const now = new Date().toISOString();
    const integration: Integration = {
      ...fields,
      id: options.id ?? randomUUID(),
      recipientId: randomUUID(),
      createStatus: options.ready === true ? 'Completed' : 'Initiated',
      dateCreated: now,
      dateModified: now,
      createdBy: by,
      modifiedBy: by,
    };
    this.#integrations.set(integration.id, integration);
    if (integration.createStatus === 'Initiated') {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        const current = this.#integrations.get(integration.id);
        if (current) this.#integrations.set(current.id, { ...current, createStatus: 'Completed' });
      }, this.#provisioningMs);
      timer.unref();
      this.#timers.add(timer);
    }
    return integration;
  }

  get(id: string): Integration | undefined {
    return this.#integrations.get(id);
  }

  /** In creation order. */
  list(): Integration[] {
    return [...this.#integrations.values()];
  }

  update(id: string, changes: Partial<IntegrationFields>, by: string): Integration | undefined {
    const current = this.#integrations.get(id);
    if (!current) return undefined;
    const updated: Integration = {
      ...current,
      ...changes,
      dateModified: new Date().toISOString(),
      modifiedBy: by,
    };
    this.#integrations.set(id, updated);
    return updated;
  }

  delete(id: string): boolean {
    return this.#integrations.delete(id);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
