// The first inbound message of a handover (§3.1, §3.5, §6): it creates the Genesys conversation and
// starts the Architect Inbound Message flow, so it carries everything the flow routes on. Everything
// in it is derived from the start request alone, so a retried start sends the same message:
// `messageId` and `time` stay the same (§3.5: Genesys keys a message on that pair).
import type { ProviderStartRequest } from '../../../core/ports/provider.ts';
import type { InboundMessageInput } from '../rest/inbound-api.ts';
import type { RoutingAttributeNames } from './options.ts';

export interface StartMessageSettings {
  readonly customerIdPrefix: string;
  readonly attributeNames: RoutingAttributeNames;
  readonly firstMessage: string;
}

export function customerIdOf(handoverId: string, prefix: string): string {
  return prefix + handoverId;
}

export function startMessage(req: ProviderStartRequest, settings: StartMessageSettings): InboundMessageInput {
  const { customer } = req;
  return {
    customer: {
      // One customer id per handover: a new handover never lands in an old conversation (§3.5).
      id: customerIdOf(req.handoverId, settings.customerIdPrefix),
      idType: 'Opaque',
      nickname: customer.displayName,
      ...(customer.firstName === undefined ? {} : { firstName: customer.firstName }),
      ...(customer.lastName === undefined ? {} : { lastName: customer.lastName }),
      ...(customer.email === undefined ? {} : { email: customer.email }),
    },
    // A function replacer: `$&` and friends in a display name stay literal.
    text: settings.firstMessage.replaceAll('{name}', () => customer.displayName),
    messageId: `${req.handoverId}:start`,
    time: new Date(req.requestedAt),
    customAttributes: routingAttributes(req.settings, settings.attributeNames),
  };
}

/**
 * The participant data of the first message (§6: `channel.metadata.customAttributes`, read by the
 * flow with Get Participant Data). The bot's own custom attributes come first and the routing
 * settings are written over them: on a name clash the routing settings win, because the configured
 * attribute names are the contract with the flow.
 */
export function routingAttributes(
  settings: ProviderStartRequest['settings'],
  names: RoutingAttributeNames,
): Record<string, string> {
  return {
    ...settings.customAttributes,
    [names.queue]: settings.queue,
    ...(settings.language === undefined ? {} : { [names.language]: settings.language }),
    ...(settings.skills.length === 0 ? {} : { [names.skills]: settings.skills.join(',') }),
    ...(settings.priority === undefined ? {} : { [names.priority]: String(settings.priority) }),
  };
}
