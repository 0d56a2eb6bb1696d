// Genesys' disconnectType in its two spellings (OM doc §4.6): participants of the conversations API
// say `client`, `transfer.noanswer`…; conversation detail events say `CLIENT`, `NO_ANSWER_TRANSFER`….
import type { DisconnectCause } from '../model.ts';
import type { ParticipantDisconnectType } from '../open-messaging/options.ts';

/** The emulator's causes in the participant spelling; `reject` is configurable ([U], see options). */
export function participantDisconnectType(
  cause: DisconnectCause,
  rejectType: ParticipantDisconnectType,
): ParticipantDisconnectType {
  switch (cause) {
    case 'self':
      return 'client';
    case 'peer':
      return 'peer';
    case 'transfer':
    case 'routed':
      return 'transfer';
    case 'reject':
      return rejectType;
    case 'timeout':
      return 'timeout';
  }
}

const DETAIL_SPELLING: Readonly<Record<ParticipantDisconnectType, string>> = {
  endpoint: 'ENDPOINT',
  client: 'CLIENT',
  system: 'SYSTEM',
  timeout: 'TIMEOUT',
  transfer: 'TRANSFER',
  'transfer.conference': 'CONFERENCE_TRANSFER',
  'transfer.consult': 'CONSULT_TRANSFER',
  'transfer.forward': 'FORWARD_TRANSFER',
  'transfer.noanswer': 'NO_ANSWER_TRANSFER',
  'transfer.notavailable': 'NOT_AVAILABLE_TRANSFER',
  'transport.failure': 'TRANSPORT_FAILURE',
  error: 'ERROR',
  peer: 'PEER',
  other: 'OTHER',
  spam: 'SPAM',
  uncallable: 'UNCALLABLE',
};

/** §4.6 `UserEndEvent.disconnectType` spelling. */
export function detailDisconnectType(type: ParticipantDisconnectType): string {
  return DETAIL_SPELLING[type];
}
