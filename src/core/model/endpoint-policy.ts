// What the core needs to know about a configured endpoint — a neutral view of the config.
import type { RoutingSettings } from '../model/handover.ts';

export interface EndpointPolicy {
  readonly id: string;
  readonly queue: string;
  readonly defaults: Omit<RoutingSettings, 'queue'>;
  readonly guestDisplayName: string;
  /** Whether events also go to a webhook (else SSE only). */
  readonly webhook: boolean;
  readonly sessionDurationMs: number;
  readonly inactivityGraceMs?: number;
  /** Notices for the agent; null = not sent. `{minutes}` in `inactivity` is the grace in minutes. */
  readonly notices: {
    readonly customerAway: string | null;
    readonly customerBack: string | null;
    readonly inactivity: string;
  };
}

export interface RoutingOverrides {
  readonly language?: string;
  readonly skills?: readonly string[];
  readonly priority?: number;
  readonly customAttributes?: Readonly<Record<string, string>>;
}

/** Request settings override the endpoint's defaults; custom attributes merge key by key. */
export function resolveSettings(
  policy: EndpointPolicy,
  overrides: RoutingOverrides | undefined,
): RoutingSettings {
  const language = overrides?.language ?? policy.defaults.language;
  const priority = overrides?.priority ?? policy.defaults.priority;
  return {
    queue: policy.queue,
    skills: [...(overrides?.skills ?? policy.defaults.skills)],
    customAttributes: { ...policy.defaults.customAttributes, ...(overrides?.customAttributes ?? {}) },
    ...(language === undefined ? {} : { language }),
    ...(priority === undefined ? {} : { priority }),
  };
}
