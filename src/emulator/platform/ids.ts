// Stable ids for things the emulator knows only by name (queues, skills, languages, agents): a
// name-based UUID (RFC 4122 version 5 layout over SHA-1), so the same name gets the same id in every
// emulator run and a client may configure an id once.
import { createHash } from 'node:crypto';

/** Namespace of every emulator name-based id (a random constant). */
const NAMESPACE = 'b6f5c3c2-4a7e-4d1b-9a63-2f0e8d4c1a57';

export function nameBasedId(kind: string, name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${kind}:${name}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const queueId = (queueName: string): string => nameBasedId('queue', queueName);
export const skillId = (skill: string): string => nameBasedId('skill', skill.trim().toLowerCase());
export const languageId = (language: string): string =>
  nameBasedId('language', language.trim().toLowerCase());
/** An agent's Genesys user id, from the router's agent key (configured or ad hoc). */
export const userIdOfAgent = (agentKey: string): string => nameBasedId('user', agentKey);
