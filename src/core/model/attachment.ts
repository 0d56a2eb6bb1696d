// A file that travels with a message, by URL (Open Messaging §3.1, §4.1): the bot's to the agent, the
// agent's to the bot. The gateway never downloads or stores the bytes — only where they are.

export const MediaTypes = ['image', 'video', 'audio', 'file', 'link'] as const;
export type MediaType = (typeof MediaTypes)[number];

export interface Attachment {
  /** Where the file can be fetched (http or https). */
  readonly url: string;
  readonly mediaType: MediaType;
  /** e.g. `image/png`. */
  readonly mime?: string;
  readonly filename?: string;
  readonly sizeBytes?: number;
}
