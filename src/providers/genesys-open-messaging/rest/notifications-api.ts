// Notifications REST (protocol §4.6; SDK 262 NotificationsApi): create a channel, then manage its
// topic subscriptions. PUT replaces the whole list, POST adds to it, DELETE removes all. With
// `ignoreErrors=true` a topic we may not see comes back `Rejected` instead of failing the whole
// request — one conversation's missing permission must not break the others on the channel.
import {
  ChannelTopicListingSchema,
  NotificationChannelListingSchema,
  NotificationChannelSchema,
  type ChannelTopic,
  type NotificationChannel,
} from '../wire/notification-channel.ts';
import type { ApiTransport } from './api-transport.ts';
import { seg, type CallOptions } from './call-options.ts';

const CHANNELS = '/api/v2/notifications/channels';

/** What the notifications client needs from REST; the real one is `NotificationsApi`. */
export interface NotificationsRest {
  createChannel(options: CallOptions): Promise<NotificationChannel>;
  listSubscriptions(channelId: string, options: CallOptions): Promise<ChannelTopic[]>;
  replaceSubscriptions(
    channelId: string,
    topics: readonly string[],
    options: CallOptions,
  ): Promise<ChannelTopic[]>;
  addSubscriptions(
    channelId: string,
    topics: readonly string[],
    options: CallOptions,
  ): Promise<ChannelTopic[]>;
  deleteSubscriptions(channelId: string, options: CallOptions): Promise<void>;
}

export class NotificationsApi implements NotificationsRest {
  readonly #transport: ApiTransport;

  constructor(transport: ApiTransport) {
    this.#transport = transport;
  }

  /** `POST /api/v2/notifications/channels` → `{id, connectUri, expires}`. */
  createChannel(options: CallOptions): Promise<NotificationChannel> {
    return this.#transport.call({
      operation: 'createNotificationChannel',
      method: 'POST',
      path: CHANNELS,
      schema: NotificationChannelSchema,
      ...options,
    });
  }

  /** `GET /api/v2/notifications/channels` — this token's channels (`includechannels=oauthclient`: the client's). */
  async listChannels(
    options: CallOptions & { readonly includeChannels?: 'token' | 'oauthclient' },
  ): Promise<NotificationChannel[]> {
    const { includeChannels, ...call } = options;
    const res = await this.#transport.call({
      operation: 'listNotificationChannels',
      method: 'GET',
      path: CHANNELS,
      query: { includechannels: includeChannels },
      schema: NotificationChannelListingSchema,
      ...call,
    });
    return res.entities;
  }

  async listSubscriptions(channelId: string, options: CallOptions): Promise<ChannelTopic[]> {
    const res = await this.#transport.call({
      operation: 'listSubscriptions',
      method: 'GET',
      path: subscriptionsPath(channelId),
      schema: ChannelTopicListingSchema,
      ...options,
    });
    return res.entities;
  }

  replaceSubscriptions(
    channelId: string,
    topics: readonly string[],
    options: CallOptions,
  ): Promise<ChannelTopic[]> {
    return this.#change('PUT', 'replaceSubscriptions', channelId, topics, options);
  }

  addSubscriptions(
    channelId: string,
    topics: readonly string[],
    options: CallOptions,
  ): Promise<ChannelTopic[]> {
    return this.#change('POST', 'addSubscriptions', channelId, topics, options);
  }

  async deleteSubscriptions(channelId: string, options: CallOptions): Promise<void> {
    await this.#transport.call({
      operation: 'deleteSubscriptions',
      method: 'DELETE',
      path: subscriptionsPath(channelId),
      schema: undefined,
      ...options,
    });
  }

  async #change(
    method: 'PUT' | 'POST',
    operation: string,
    channelId: string,
    topics: readonly string[],
    options: CallOptions,
  ): Promise<ChannelTopic[]> {
    const res = await this.#transport.call({
      operation,
      method,
      path: subscriptionsPath(channelId),
      query: { ignoreErrors: true },
      body: { json: topics.map((id) => ({ id })) },
      schema: ChannelTopicListingSchema,
      ...options,
    });
    return res.entities;
  }
}

function subscriptionsPath(channelId: string): string {
  return `${CHANNELS}/${seg(channelId)}/subscriptions`;
}
