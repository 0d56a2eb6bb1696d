// The Platform API reads of OM doc §7, one method per Genesys operation, through the shared
// ApiTransport (token cache, per-token rate limit, 401 renewal, 429 pause).
import type { ApiTransport } from '../rest/api-transport.ts';
import { seg, type CallOptions } from '../rest/call-options.ts';
import {
  EmergencyGroupListingSchema,
  EmergencyGroupSchema,
  EstimatedWaitSchema,
  ObservationResponseSchema,
  QueueListingSchema,
  QueueMemberListingSchema,
  ScheduleGroupListingSchema,
  ScheduleGroupSchema,
  ScheduleSchema,
} from './wire.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PlatformReadsApi {
  readonly #transport: ApiTransport;

  constructor(transport: ApiTransport) {
    this.#transport = transport;
  }

  /** §7.4: `name` is an exact match (a `*` would be a wildcard; queue names never need one here). */
  async findQueueId(name: string, options: CallOptions): Promise<string | undefined> {
    const page = await this.#transport.call({
      operation: 'getRoutingQueues',
      method: 'GET',
      path: '/api/v2/routing/queues',
      query: { name, pageSize: 25, pageNumber: 1 },
      schema: QueueListingSchema,
      ...options,
    });
    return page.entities.find((q) => q.name === name)?.id;
  }

  /** §7.3, joined members with their skills and languages; every page (bounded). */
  async queueMembers(queueId: string, options: CallOptions & { maxPages?: number }) {
    const { maxPages = 10, ...call } = options;
    const members = [];
    for (let page = 1; page <= maxPages; page++) {
      const answer = await this.#transport.call({
        operation: 'getRoutingQueueMembers',
        method: 'GET',
        path: `/api/v2/routing/queues/${seg(queueId)}/members`,
        query: { joined: true, expand: 'skills,languages', pageSize: 100, pageNumber: page },
        schema: QueueMemberListingSchema,
        ...call,
      });
      members.push(...answer.entities);
      if (!answer.nextUri || answer.entities.length === 0) break;
    }
    return members;
  }

  /** §7.1 path 1: a new arrival's estimate for one media type. */
  async estimatedWait(queueId: string, mediaType: string, options: CallOptions): Promise<number | undefined> {
    const answer = await this.#transport.call({
      operation: 'getRoutingQueueMediatypeEstimatedwaittime',
      method: 'GET',
      path: `/api/v2/routing/queues/${seg(queueId)}/mediatypes/${seg(mediaType)}/estimatedwaittime`,
      schema: EstimatedWaitSchema,
      ...options,
    });
    return answer.results[0]?.estimatedWaitTimeSeconds;
  }

  /** §7.1 path 2 / §7.6 (a): the estimate of one conversation. */
  async conversationEstimatedWait(
    queueId: string,
    conversationId: string,
    options: CallOptions,
  ): Promise<number | undefined> {
    const answer = await this.#transport.call({
      operation: 'getRoutingQueueEstimatedwaittime',
      method: 'GET',
      path: `/api/v2/routing/queues/${seg(queueId)}/estimatedwaittime`,
      query: { conversationId },
      schema: EstimatedWaitSchema,
      ...options,
    });
    return answer.results[0]?.estimatedWaitTimeSeconds;
  }

  /** §7.2: `oWaiting` of one queue and media type, with details (who waits, priority, since when). */
  observeWaiting(queueId: string, mediaType: string, options: CallOptions) {
    return this.#transport.call({
      operation: 'postAnalyticsQueuesObservationsQuery',
      method: 'POST',
      path: '/api/v2/analytics/queues/observations/query',
      body: {
        json: {
          filter: {
            type: 'and',
            predicates: [
              { type: 'dimension', dimension: 'queueId', operator: 'matches', value: queueId },
              { type: 'dimension', dimension: 'mediaType', operator: 'matches', value: mediaType },
            ],
          },
          metrics: ['oWaiting'],
          detailMetrics: ['oWaiting'],
        },
      },
      schema: ObservationResponseSchema,
      ...options,
    });
  }

  /** §7.5: by id, else by (exact) name. */
  async scheduleGroup(idOrName: string, options: CallOptions) {
    if (UUID.test(idOrName)) {
      return this.#transport.call({
        operation: 'getArchitectSchedulegroup',
        method: 'GET',
        path: `/api/v2/architect/schedulegroups/${seg(idOrName)}`,
        schema: ScheduleGroupSchema,
        ...options,
      });
    }
    const page = await this.#transport.call({
      operation: 'getArchitectSchedulegroups',
      method: 'GET',
      path: '/api/v2/architect/schedulegroups',
      query: { name: idOrName, pageSize: 25, pageNumber: 1 },
      schema: ScheduleGroupListingSchema,
      ...options,
    });
    return page.entities.find((g) => g.name === idOrName);
  }

  schedule(id: string, options: CallOptions) {
    return this.#transport.call({
      operation: 'getArchitectSchedule',
      method: 'GET',
      path: `/api/v2/architect/schedules/${seg(id)}`,
      schema: ScheduleSchema,
      ...options,
    });
  }

  async emergencyGroup(idOrName: string, options: CallOptions) {
    if (UUID.test(idOrName)) {
      return this.#transport.call({
        operation: 'getArchitectEmergencygroup',
        method: 'GET',
        path: `/api/v2/architect/emergencygroups/${seg(idOrName)}`,
        schema: EmergencyGroupSchema,
        ...options,
      });
    }
    const page = await this.#transport.call({
      operation: 'getArchitectEmergencygroups',
      method: 'GET',
      path: '/api/v2/architect/emergencygroups',
      query: { name: idOrName, pageSize: 25, pageNumber: 1 },
      schema: EmergencyGroupListingSchema,
      ...options,
    });
    return page.entities.find((g) => g.name === idOrName);
  }
}
