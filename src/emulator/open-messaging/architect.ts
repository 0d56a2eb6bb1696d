// A small stand-in for the Architect Inbound Message flow (OM doc §6): Genesys routes an Open
// Messaging conversation with whatever the flow does — typically *Get Participant Data* on the custom
// attributes, then *Transfer to ACD* with queue, skills, language and priority. This stand-in reads
// the configured attribute names and can *Send Response* texts first (they reach the webhook as
// `originatingEntity:"Bot"`).
import type { RoutingRequest } from '../model.ts';
import { queueId } from '../platform/ids.ts';
import type { Router } from '../routing.ts';
import type { ResolvedOpenMessagingOptions } from './options.ts';

export interface FlowOutcome {
  readonly flowName: string;
  readonly responses: readonly string[];
  readonly routing: RoutingRequest;
}

export function runInboundFlow(
  attributes: Readonly<Record<string, string>>,
  architect: ResolvedOpenMessagingOptions['architect'],
  router: Router,
): FlowOutcome {
  const queues = router.queueNames();
  const wanted = attributes[architect.queueAttribute]?.trim();
  // The attribute may hold the queue's name or its id (flows use either, §6 / S4 `queueId`).
  const named = queues.find((name) => name === wanted || queueId(name) === wanted);
  const queue = named ?? architect.defaultQueue ?? queues[0] ?? '';
  const skills = (attributes[architect.skillsAttribute] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const language = attributes[architect.languageAttribute]?.trim();
  const priority = Number.parseInt(attributes[architect.priorityAttribute] ?? '', 10);
  return {
    flowName: architect.flowName,
    responses: architect.responses,
    routing: {
      queue,
      skills,
      ...(language !== undefined && language !== '' ? { language } : {}),
      priority: Number.isFinite(priority) ? priority : 0,
    },
  };
}
