// The gateway's configuration, validated with zod at start-up. A bad config stops start-up with
// every problem listed (see load.ts). Durations are in seconds unless the name says otherwise.
import { z } from 'zod';
import { GENESYS_CLOUD_REGIONS } from '../providers/genesys-cloud/regions.ts';
import { urlProblems } from './url-checks.ts';

/** Region domains of Genesys Cloud (protocol doc §2.2). */
export const GenesysRegions = [
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'mypurecloud.de',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'apne2.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'use2.us-gov-pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'apne3.pure.cloud',
  'euc2.pure.cloud',
  'mxc1.pure.cloud',
  'apse1.pure.cloud',
] as const;

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash, underscore; at most 64');
const webhookSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must look like whsec_<base64>');

const routingDefaults = z
  .object({
    language: z.string().min(1).max(100).optional(),
    skills: z.array(z.string().min(1).max(100)).max(50).default([]),
    priority: z.number().int().min(-1000).max(1000).optional(),
    customAttributes: z.record(z.string().min(1).max(200), z.string().max(2000)).default({}),
  })
  .strict();

const genesysGuestChat = z
  .object({
    /** A region domain from the list, e.g. `mypurecloud.de`; the API base becomes `https://api.<domain>`. */
    environment: z.enum(GenesysRegions).optional(),
    /** An explicit API base URL instead of a region — how the emulator is used. */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    organizationId: z.string().min(1).max(100),
    deploymentId: z.string().min(1).max(100),
  })
  .strict()
  .refine((g) => (g.environment === undefined) !== (g.baseUrl === undefined), {
    error: 'set exactly one of environment (a region domain) or baseUrl',
  });

/** Genesys Cloud region keys and domains of the platform SDK (Open Messaging protocol §1.1). */
const omRegion = z
  .string()
  .refine(
    (r) =>
      Object.hasOwn(GENESYS_CLOUD_REGIONS, r) || Object.values(GENESYS_CLOUD_REGIONS).includes(r as never),
    { error: `a Genesys Cloud region key (e.g. eu_central_1) or domain (e.g. mypurecloud.de)` },
  );

/** Names of the participant attributes the Inbound Message flow reads (docs/open-messaging.md). */
const attributeNames = z
  .object({
    queue: z.string().min(1).max(200).default('hg_queue'),
    language: z.string().min(1).max(200).default('hg_language'),
    skills: z.string().min(1).max(200).default('hg_skills'),
    priority: z.string().min(1).max(200).default('hg_priority'),
  })
  .strict();

const genesysOpenMessaging = z
  .object({
    /** A region key or domain; login at `https://login.<domain>`, API at `https://api.<domain>`. */
    region: omRegion.optional(),
    /** One origin for both, laid out like the emulator (`/login/oauth/token`, `/api/v2/…`). */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Or both spelled out. */
    apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    loginBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The OAuth client (client credentials grant, §1.2); use `${VAR}` references. */
    clientId: z.string().min(1).max(200),
    clientSecret: z.string().min(1).max(500),
    /** The Open Messaging integration (Admin → Message → Platforms), §2. */
    integrationId: z.string().min(1).max(100),
    /** The integration's outbound webhook secret: signs what Genesys sends us (§4.4). Genesys wants > 15 characters. */
    webhookSecret: z.string().min(16).max(500),
    attributeNames: attributeNames.default({
      queue: 'hg_queue',
      language: 'hg_language',
      skills: 'hg_skills',
      priority: 'hg_priority',
    }),
    /** The text of the message that opens the Genesys conversation; `{name}` is the customer's display name. */
    firstMessage: z.string().min(1).max(2000).default('{name} was handed over by the bot.'),
    /** API calls in any 60 s for this OAuth client (§1.4); split it when endpoints share a client. */
    requestsPerMinute: z.number().int().min(1).max(6000).default(300),
  })
  .strict()
  .refine(
    (g) =>
      [
        g.region !== undefined,
        g.baseUrl !== undefined,
        g.apiBaseUrl !== undefined || g.loginBaseUrl !== undefined,
      ].filter(Boolean).length === 1 && (g.apiBaseUrl === undefined) === (g.loginBaseUrl === undefined),
    { error: 'set exactly one of region, baseUrl, or both apiBaseUrl and loginBaseUrl' },
  );

/** What every endpoint has, whichever Genesys path it speaks. */
const endpointBase = z
  .object({
    id,
    /**
     * Queue **name**: guest chat routes by it (protocol §5.1); Open Messaging hands it to the
     * Architect flow as the queue attribute.
     */
    queue: z.string().min(1).max(200),
    defaults: routingDefaults.default({ skills: [], customAttributes: {} }),
    /** Unended handovers of this endpoint (all keys together); another start gets 429 LIMIT_REACHED. */
    maxOpenHandovers: z.number().int().min(1).max(1_000_000).default(5000),
    /** Shown to the agent when the bot gives no customer display name. */
    guestDisplayName: z.string().min(1).max(100).default('Customer'),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        /** One or more secrets; several allow rotation (each signs; receivers accept any). */
        secrets: z.array(webhookSecret).min(1).max(5),
      })
      .strict()
      .optional(),
    /** Idle handovers end `expired` after this long without any message either way (Cognigy's "Session Duration"). */
    sessionDurationSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(3600),
    /** Customer silent this long while an agent is connected → taken out of the chat (customer_abandoned). */
    inactivityGraceSeconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .optional(),
    /**
     * Texts the agent sees as notices (like the model's "user connects/disconnects" messages).
     * `null` turns one off. `{minutes}` in `inactivity` is replaced by the grace in minutes.
     */
    notices: z
      .object({
        customerAway: z.string().min(1).max(500).nullable().default('The customer left the conversation.'),
        customerBack: z.string().min(1).max(500).nullable().default('The customer is back.'),
        inactivity: z
          .string()
          .min(1)
          .max(500)
          .default('The customer has been inactive for {minutes} min and has left the chat.'),
      })
      .strict()
      .default({
        customerAway: 'The customer left the conversation.',
        customerBack: 'The customer is back.',
        inactivity: 'The customer has been inactive for {minutes} min and has left the chat.',
      }),
  })
  .strict();

export const endpointSchema = z.discriminatedUnion('provider', [
  endpointBase.extend({ provider: z.literal('genesys-guest-chat'), genesys: genesysGuestChat }).strict(),
  endpointBase
    .extend({ provider: z.literal('genesys-open-messaging'), genesys: genesysOpenMessaging })
    .strict(),
]);

/**
 * What one API key may use (docs/security.md, README "Limits"). `limits` sets them for every key;
 * a key's own `limits` overrides any of them.
 */
const keyLimitFields = {
  /** Requests per second (a window of 1 s per key); more get 429 RATE_LIMITED with Retry-After. */
  requestsPerSecond: z.number().int().min(1).max(100_000),
  /** Unended handovers this key started; another start gets 429 LIMIT_REACHED. */
  openHandovers: z.number().int().min(1).max(1_000_000),
  /** Open SSE streams of this key. */
  sseStreams: z.number().int().min(1).max(100_000),
  /** Open SSE streams of one handover (any key). */
  sseStreamsPerHandover: z.number().int().min(1).max(1000),
  /** Characters in one customer message text; longer is a 400 VALIDATION_FAILED. */
  maxMessageLength: z.number().int().min(1).max(100_000),
};
export const DEFAULT_KEY_LIMITS = {
  requestsPerSecond: 200,
  openHandovers: 1000,
  sseStreams: 1000,
  sseStreamsPerHandover: 5,
  maxMessageLength: 16_000,
} as const;
const keyLimits = z
  .object({
    requestsPerSecond: keyLimitFields.requestsPerSecond.default(DEFAULT_KEY_LIMITS.requestsPerSecond),
    openHandovers: keyLimitFields.openHandovers.default(DEFAULT_KEY_LIMITS.openHandovers),
    sseStreams: keyLimitFields.sseStreams.default(DEFAULT_KEY_LIMITS.sseStreams),
    sseStreamsPerHandover: keyLimitFields.sseStreamsPerHandover.default(
      DEFAULT_KEY_LIMITS.sseStreamsPerHandover,
    ),
    maxMessageLength: keyLimitFields.maxMessageLength.default(DEFAULT_KEY_LIMITS.maxMessageLength),
  })
  .strict();
const keyLimitOverrides = z.object(keyLimitFields).partial().strict();

/** The HTTP server's timeouts and connection cap (docs/security.md). */
export const SERVER_DEFAULTS = {
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 30,
  keepAliveTimeoutSeconds: 5,
  maxConnections: 10_000,
} as const;

export const apiKeySchema = z
  .object({
    name: z.string().min(1).max(100),
    /** The key itself: at least 24 characters. Prefer `${ENV_VAR}` references over literals in files. */
    key: z.string().min(24).max(200),
    /** Endpoint ids this key may act on; `"*"` for all. */
    endpoints: z.array(z.union([z.literal('*'), id])).min(1),
    /** This key's own limits; each absent one is the top-level `limits` value. */
    limits: keyLimitOverrides.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Log level for pino. */
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /**
         * This instance's name (webhook claims on PostgreSQL): stable across restarts, so a restarted
         * instance takes back what its previous life claimed. Default: the host name.
         */
        instanceId: z.string().min(1).max(100).optional(),
        /** A graceful stop (SIGTERM) finishes within this many seconds, then the process exits 0. */
        shutdownTimeoutSeconds: z.number().int().min(1).max(300).default(10),
        /** A request's headers must arrive within this many seconds of the connection (slow-header attacks). */
        headersTimeoutSeconds: z.number().min(1).max(300).default(SERVER_DEFAULTS.headersTimeoutSeconds),
        /** A whole request, body included, must arrive within this many seconds (slow bodies). */
        requestTimeoutSeconds: z.number().min(1).max(3600).default(SERVER_DEFAULTS.requestTimeoutSeconds),
        /** An idle kept-alive connection is closed after this many seconds. */
        keepAliveTimeoutSeconds: z.number().min(1).max(600).default(SERVER_DEFAULTS.keepAliveTimeoutSeconds),
        /** Open connections at most (SSE streams included); more are closed on arrival. */
        maxConnections: z.number().int().min(1).max(1_000_000).default(SERVER_DEFAULTS.maxConnections),
      })
      .strict()
      .refine((s) => s.headersTimeoutSeconds <= s.requestTimeoutSeconds, {
        error: 'headersTimeoutSeconds must not exceed requestTimeoutSeconds',
      })
      .default({
        host: '127.0.0.1',
        port: 8080,
        logLevel: 'info',
        shutdownTimeoutSeconds: 10,
        ...SERVER_DEFAULTS,
      }),
    /** How handovers end and start (see docs/reliability.md). */
    handovers: z
      .object({
        /** POST …/end waits this long for the end to complete, then answers 202 (handover.ended follows). */
        endWaitSeconds: z.number().min(0).max(120).default(10),
        /** An end waits this long for the customer's pending messages to be sent; the rest is reported undelivered. */
        flushOnEndSeconds: z.number().min(0).max(300).default(10),
        /** Creating the Genesys conversation is retried this long (5xx, 429, open circuit) before the handover fails. */
        startTimeoutSeconds: z.number().min(1).max(3600).default(60),
      })
      .strict()
      .default({ endWaitSeconds: 10, flushOnEndSeconds: 10, startTimeoutSeconds: 60 }),
    /** Embedded SQLite (default) or PostgreSQL (see docs/storage.md). */
    store: z
      // A union, not a discriminated one: `kind` may be left out for SQLite.
      .union([
        z
          .object({
            kind: z.literal('sqlite').default('sqlite'),
            path: z.string().min(1).default('./data/genesys-handover.db'),
          })
          .strict(),
        z
          .object({
            kind: z.literal('postgres'),
            /** e.g. postgres://user:password@host:5432/db — prefer a ${VAR} reference (it holds a password). */
            url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
            /** Schema for the tables (lower-case letters, digits, _). Default: the connection's search path. */
            schema: z
              .string()
              .regex(/^[a-z_][a-z0-9_]{0,62}$/)
              .optional(),
            poolSize: z.number().int().min(1).max(100).default(10),
            /**
             * One gateway on this database (today's supported set-up): at start-up it takes back every
             * webhook claim, so no delivery waits out the 60 s claim time-out after a kill -9.
             */
            singleInstance: z.boolean().default(true),
          })
          .strict(),
      ])
      .default({ kind: 'sqlite', path: './data/genesys-handover.db' }),
    webhooks: z
      .object({
        timeoutSeconds: z.number().int().min(1).max(120).default(10),
        /** How long an event is retried before it is dead-lettered. */
        maxAgeSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 3600)
          .default(24 * 3600),
        /** Upper bound of the exponential backoff between two attempts. */
        maxRetryDelaySeconds: z.number().int().min(1).max(3600).default(600),
      })
      .strict()
      .default({ timeoutSeconds: 10, maxAgeSeconds: 24 * 3600, maxRetryDelaySeconds: 600 }),
    /** How long ended handovers are kept (docs/security.md): then deleted with transcript, events and outbox. */
    retention: z
      .object({
        /** Days after a handover ended (or failed); `null` keeps everything forever. */
        endedHandoverDays: z.number().min(0.001).max(36_500).nullable().default(30),
        /** How often the gateway purges, in minutes. */
        purgeIntervalMinutes: z
          .number()
          .min(1)
          .max(7 * 24 * 60)
          .default(60),
      })
      .strict()
      .default({ endedHandoverDays: 30, purgeIntervalMinutes: 60 }),
    /** Limits of every API key (each key may override them). */
    limits: keyLimits.default(DEFAULT_KEY_LIMITS),
    /** Upstream trust (docs/security.md). */
    security: z
      .object({
        /** Plain http:// to hosts other than loopback (an emulator on another machine). Never in production. */
        allowInsecureHttp: z.boolean().default(false),
        /** Refuse webhook URLs naming private, link-local (cloud metadata) or loopback addresses. */
        blockPrivateWebhookAddresses: z.boolean().default(false),
      })
      .strict()
      .default({ allowInsecureHttp: false, blockPrivateWebhookAddresses: false }),
    apiKeys: z.array(apiKeySchema).min(1),
    endpoints: z.array(endpointSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    const policy = {
      allowInsecureHttp: config.security.allowInsecureHttp,
      blockPrivateAddresses: config.security.blockPrivateWebhookAddresses,
    };
    config.endpoints.forEach((e, i) => {
      const urls: (readonly [string, string | undefined, 'genesys' | 'webhook'])[] = [
        ['webhook.url', e.webhook?.url, 'webhook'],
        ['genesys.baseUrl', e.genesys.baseUrl, 'genesys'],
        ...(e.provider === 'genesys-open-messaging'
          ? ([
              ['genesys.apiBaseUrl', e.genesys.apiBaseUrl, 'genesys'],
              ['genesys.loginBaseUrl', e.genesys.loginBaseUrl, 'genesys'],
            ] as const)
          : []),
      ];
      for (const [path, url, kind] of urls) {
        if (url === undefined) continue;
        for (const message of urlProblems(url, policy, kind))
          ctx.addIssue({ code: 'custom', path: ['endpoints', i, ...path.split('.')], message });
      }
    });
  });

/**
 * Checks across fields (duplicate ids, keys naming unknown endpoints). It reads the raw input, not
 * the parsed config, so it reports even when other fields are invalid: every problem at once.
 */
export function crossCheck(raw: unknown): string[] {
  const problems: string[] = [];
  const obj = (raw ?? {}) as { endpoints?: unknown; apiKeys?: unknown };
  const endpoints = Array.isArray(obj.endpoints) ? (obj.endpoints as { id?: unknown }[]) : [];
  const apiKeys = Array.isArray(obj.apiKeys) ? (obj.apiKeys as { key?: unknown; endpoints?: unknown }[]) : [];
  const ids = new Set<unknown>();
  const integrations = new Set<unknown>();
  endpoints.forEach((e, i) => {
    if (ids.has(e.id)) problems.push(`endpoints.${i}.id: duplicate endpoint id "${String(e.id)}"`);
    ids.add(e.id);
    // An Open Messaging integration posts to one webhook URL, so it can feed one endpoint only.
    const integration = (e as { provider?: unknown; genesys?: { integrationId?: unknown } }).genesys
      ?.integrationId;
    if ((e as { provider?: unknown }).provider !== 'genesys-open-messaging' || integration === undefined)
      return;
    if (integrations.has(integration))
      problems.push(
        `endpoints.${i}.genesys.integrationId: another endpoint uses this integration (its webhook reaches one endpoint)`,
      );
    integrations.add(integration);
  });
  const keys = new Set<unknown>();
  apiKeys.forEach((k, i) => {
    if (keys.has(k.key)) problems.push(`apiKeys.${i}.key: duplicate API key`);
    keys.add(k.key);
    const allowed = Array.isArray(k.endpoints) ? (k.endpoints as unknown[]) : [];
    allowed.forEach((e, j) => {
      if (e !== '*' && !ids.has(e))
        problems.push(`apiKeys.${i}.endpoints.${j}: unknown endpoint "${String(e)}"`);
    });
  });
  return problems;
}

export type GatewayConfig = z.infer<typeof configSchema>;
export type KeyLimitsConfig = GatewayConfig['limits'];

/** A key's limits: its own where it sets them, else the top-level `limits`. */
export function keyLimitsOf(config: GatewayConfig, key: GatewayConfig['apiKeys'][number]): KeyLimitsConfig {
  const own = Object.fromEntries(Object.entries(key.limits ?? {}).filter(([, v]) => v !== undefined));
  return { ...config.limits, ...own };
}
export type EndpointConfig = z.infer<typeof endpointSchema>;
export type GuestChatEndpointConfig = Extract<EndpointConfig, { provider: 'genesys-guest-chat' }>;
export type OpenMessagingEndpointConfig = Extract<EndpointConfig, { provider: 'genesys-open-messaging' }>;
