// Domain objects → API JSON. The provider handle (which holds the Genesys JWT) is never part of it.
import type { Handover } from '../core/model/handover.ts';
import type { TranscriptEntry } from '../core/model/transcript.ts';
import type { z } from 'zod';
import type { handoverResponse, transcriptResponse } from './schemas.ts';

export function presentHandover(h: Handover): z.input<typeof handoverResponse> {
  const { phoneNumber, ...customer } = h.customer;
  return {
    id: h.id,
    endpoint: h.endpointId,
    state: h.state,
    ...(h.endReason ? { endReason: h.endReason } : {}),
    ...(h.failure ? { failure: h.failure } : {}),
    customer: { ...customer, ...(phoneNumber ? { phone: phoneNumber } : {}) },
    settings: { ...h.settings, skills: [...h.settings.skills] },
    ...(h.agent ? { agent: h.agent } : {}),
    ...(h.closing && !h.endedAt
      ? { closing: { reason: h.closing.reason, requestedAt: h.closing.requestedAt } }
      : {}),
    lastEventSeq: h.lastSeq,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    ...(h.endedAt ? { endedAt: h.endedAt } : {}),
  };
}

export function presentTranscript(entries: readonly TranscriptEntry[]): z.input<typeof transcriptResponse> {
  return {
    items: entries.map((e) => ({
      id: e.id,
      role: e.role,
      text: e.text,
      at: e.at,
      ...(e.senderName ? { senderName: e.senderName } : {}),
      ...(e.attachments?.length ? { attachments: [...e.attachments] } : {}),
      ...(e.outbound ? { delivery: e.outbound.status } : {}),
    })),
  };
}
