// The gateway's configuration, validated with zod at start-up. A bad config stops start-up with
// every problem listed (see load.ts). Durations are in seconds unless the name says otherwise.
// Every field's `.describe()` is its documentation: docs/configuration.md and the JSON Schema for
// editors (config/genesys-handover.schema.json) are generated from this file (reference.ts,
// `npm run config:reference`), and a test fails when they are out of date.
import { z } from 'zod';
import { GENESYS_CLOUD_REGIONS } from '../providers/genesys-cloud/regions.ts';
import { apiKeyProblems, apiKeySha256 } from './api-key-strength.ts';
import { availabilitySchema } from './availability-schema.ts';
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
/** Standard Webhooks: a signing key of 24 to 64 bytes (docs/webhooks.md); fewer is guessable offline. */
export const WEBHOOK_SECRET_BYTES = { min: 24, max: 64 } as const;
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must look like whsec_<base64>')
  .refine(
    (s) => {
      const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
      return bytes >= WEBHOOK_SECRET_BYTES.min && bytes <= WEBHOOK_SECRET_BYTES.max;
    },
    {
      error: `the key after whsec_ must be ${WEBHOOK_SECRET_BYTES.min}–${WEBHOOK_SECRET_BYTES.max} bytes (base64 of 32 random bytes: \`genesys-handover keygen --webhook-secret\`)`,
      abort: true,
    },
  )
  .describe(
    `A Standard Webhooks secret, \`whsec_<base64>\` of ${WEBHOOK_SECRET_BYTES.min}–${WEBHOOK_SECRET_BYTES.max} bytes (32 recommended).`,
  );

const routingDefaults = z
  .object({
    language: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Routing language (a Genesys language name, e.g. `english`) when the bot names none.'),
    skills: z
      .array(z.string().min(1).max(100))
      .max(50)
      .default([])
      .describe('Routing skills (Genesys skill names) added when the bot names none.'),
    priority: z
      .number()
      .int()
      .min(-1000)
      .max(1000)
      .optional()
      .describe('Routing priority when the bot gives none.'),
    customAttributes: z
      .record(z.string().min(1).max(200), z.string().max(2000))
      .default({})
      .describe(
        "Custom attributes every handover carries (guest chat: the guest's `customFields`; Open Messaging: participant attributes); the bot's own win.",
      ),
  })
  .strict()
  .describe("Routing settings of a handover when the bot's request leaves them out.");

const genesysGuestChat = z
  .object({
    environment: z
      .enum(GenesysRegions)
      .optional()
      .describe('A region domain, e.g. `mypurecloud.de`; the API base becomes `https://api.<domain>`.'),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('An explicit API base URL instead of a region — how the emulator is used.'),
    organizationId: z
      .string()
      .min(1)
      .max(100)
      .describe('Genesys organization id (Admin → Account Settings → Organization Settings).'),
    deploymentId: z
      .string()
      .min(1)
      .max(100)
      .describe('Web chat deployment id (Admin → Message → Widgets / Web Chat deployments).'),
    // The guest-chat client's own default (rest-client.ts DEFAULT_MAX_IN_FLIGHT; a test keeps them
    // equal). Genesys publishes no guest-chat rate limit (protocol §12); a 429 is retried after its
    // Retry-After (§11.3) whatever this is. The bound only catches typos.
    maxRequestsInFlight: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(32)
      .describe(
        'Genesys REST calls of this endpoint in flight at once, each on a connection of its own; more wait their turn. A call holds its slot for one round trip: 32 carry ~640 calls a second at 50 ms — raise it for a far region or a busy endpoint.',
      ),
  })
  .strict()
  .refine((g) => (g.environment === undefined) !== (g.baseUrl === undefined), {
    error: 'set exactly one of environment (a region domain) or baseUrl',
  })
  .describe('Where guest chat runs: exactly one of `environment` or `baseUrl`, and the org and deployment.');

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
    queue: z.string().min(1).max(200).default('hg_queue').describe('Attribute holding the queue name.'),
    language: z
      .string()
      .min(1)
      .max(200)
      .default('hg_language')
      .describe('Attribute holding the routing language.'),
    skills: z
      .string()
      .min(1)
      .max(200)
      .default('hg_skills')
      .describe('Attribute holding the skills, comma-separated.'),
    priority: z.string().min(1).max(200).default('hg_priority').describe('Attribute holding the priority.'),
  })
  .strict();

const genesysOpenMessaging = z
  .object({
    region: omRegion
      .optional()
      .describe(
        'A region key (e.g. `eu_central_1`) or domain (e.g. `mypurecloud.de`); login at `https://login.<domain>`, API at `https://api.<domain>`.',
      ),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'One origin for login and API, laid out like the emulator (`/login/oauth/token`, `/api/v2/…`).',
      ),
    apiBaseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('The API origin, spelled out (with `loginBaseUrl`).'),
    loginBaseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('The login origin, spelled out (with `apiBaseUrl`).'),
    clientId: z
      .string()
      .min(1)
      .max(200)
      .describe('OAuth client id (client credentials grant, Admin → Integrations → OAuth).'),
    clientSecret: z
      .string()
      .min(1)
      .max(500)
      .describe('OAuth client secret — a secret: use a `${VAR}` reference or `GH__…`.'),
    integrationId: z
      .string()
      .min(1)
      .max(100)
      .describe('The Open Messaging integration id (Admin → Message → Platforms).'),
    webhookSecret: z
      .string()
      .min(16)
      .max(500)
      .describe(
        "The integration's outbound webhook secret token: checks what Genesys posts to the gateway (more than 15 characters, as Genesys wants). A secret.",
      ),
    attributeNames: attributeNames
      .default({
        queue: 'hg_queue',
        language: 'hg_language',
        skills: 'hg_skills',
        priority: 'hg_priority',
      })
      .describe(
        'Names of the participant attributes the Inbound Message flow reads (docs/open-messaging.md).',
      ),
    firstMessage: z
      .string()
      .min(1)
      .max(2000)
      .default('{name} was handed over by the bot.')
      .describe(
        "Text of the message that opens the Genesys conversation; `{name}` is the customer's display name.",
      ),
    // Genesys raises the per-token limit on request (OM protocol §1.4); the bound only catches typos.
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(600_000)
      .default(300)
      .describe(
        'API calls in any 60 s for this OAuth client (Genesys allows 300 unless it raised the limit); split it when endpoints share a client.',
      ),
    // A receipt is one call per agent message under that limit (OM protocol §3.3, §1.4).
    deliveryReceipts: z
      .boolean()
      .default(true)
      .describe(
        "Tell Genesys when an agent message reached the bot (`Delivered`) or never will (`Failed`). Each is an API call: of an agent message's calls, most — turn off to carry more agent messages per OAuth client.",
      ),
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
  )
  .describe(
    'Where Open Messaging runs: exactly one of `region`, `baseUrl`, or `apiBaseUrl` with `loginBaseUrl`; the OAuth client and the integration.',
  );

/** What every endpoint has, whichever Genesys path it speaks. */
const endpointBase = z
  .object({
    id: id.describe(
      'The endpoint id the bot names in `POST /v1/handovers` (and `GH__endpoints__<id>__…` addresses).',
    ),
    // Queue name: guest chat routes by it (protocol §5.1); Open Messaging hands it to the Architect
    // flow as the queue attribute.
    queue: z
      .string()
      .min(1)
      .max(200)
      .describe('Genesys queue **name** (guest chat routes by it; Open Messaging passes it to the flow).'),
    defaults: routingDefaults.default({ skills: [], customAttributes: {} }),
    guestDisplayName: z
      .string()
      .min(1)
      .max(100)
      .default('Customer')
      .describe('Shown to the agent when the bot gives no customer display name.'),
    maxOpenHandovers: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(5000)
      .describe(
        'Unended handovers of this endpoint (all keys together); another start gets 429 LIMIT_REACHED.',
      ),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }).describe("The bot's URL for signed event deliveries."),
        secrets: z
          .array(webhookSecret)
          .min(1)
          .max(5)
          .describe('One or more secrets; several allow rotation (each signs; receivers accept any).'),
      })
      .strict()
      .optional()
      .describe('Deliver events as signed webhooks (docs/webhooks.md); without it the bot follows SSE.'),
    sessionDurationSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(3600)
      .describe('An idle handover ends `expired` after this long without any message either way.'),
    inactivityGraceSeconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .optional()
      .describe(
        'Customer silent this long while an agent is connected: a notice, then the handover ends `customer_abandoned`. Off when unset.',
      ),
    // Like the model's "user connects/disconnects" messages.
    notices: z
      .object({
        customerAway: z
          .string()
          .min(1)
          .max(500)
          .nullable()
          .default('The customer left the conversation.')
          .describe('Notice when the bot reports `away`; `null` turns it off.'),
        customerBack: z
          .string()
          .min(1)
          .max(500)
          .nullable()
          .default('The customer is back.')
          .describe('Notice when the bot reports `back`; `null` turns it off.'),
        inactivity: z
          .string()
          .min(1)
          .max(500)
          .default('The customer has been inactive for {minutes} min and has left the chat.')
          .describe('Notice before an inactivity end; `{minutes}` is the grace in minutes.'),
      })
      .strict()
      .default({
        customerAway: 'The customer left the conversation.',
        customerBack: 'The customer is back.',
        inactivity: 'The customer has been inactive for {minutes} min and has left the chat.',
      })
      .describe('Texts the agent sees as notices.'),
    /** Business hours, agent availability and the handover policy around them (docs/availability.md). */
    availability: availabilitySchema.optional(),
  })
  .strict();

export const endpointSchema = z.discriminatedUnion('provider', [
  endpointBase
    .extend({
      provider: z
        .literal('genesys-guest-chat')
        .describe('Genesys Guest Chat (the retired API, or the emulator).'),
      genesys: genesysGuestChat,
    })
    .strict(),
  endpointBase
    .extend({
      provider: z
        .literal('genesys-open-messaging')
        .describe('Genesys Open Messaging (docs/open-messaging.md).'),
      genesys: genesysOpenMessaging,
    })
    .strict(),
]);

/**
 * What one API key may use (docs/security.md, README "Limits"). `limits` sets them for every key;
 * a key's own `limits` overrides any of them.
 */
const keyLimitFields = {
  requestsPerSecond: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe('Requests per second (a window of 1 s per key); more get 429 RATE_LIMITED with Retry-After.'),
  openHandovers: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .describe('Unended handovers this key started; another start gets 429 LIMIT_REACHED.'),
  sseStreams: z.number().int().min(1).max(100_000).describe('Open SSE streams of this key.'),
  sseStreamsPerHandover: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe('Open SSE streams of one handover (any key).'),
  maxMessageLength: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe('Characters in one customer message text; longer is a 400 VALIDATION_FAILED.'),
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

/** Requests to one Genesys environment, shared by all handovers (docs/reliability.md). */
export const GENESYS_BUDGET_DEFAULTS = { requestsPerSecond: 100, burst: 200 } as const;

/** The HTTP server's timeouts and connection cap (docs/security.md). */
export const SERVER_DEFAULTS = {
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 30,
  keepAliveTimeoutSeconds: 5,
  maxConnections: 10_000,
} as const;

export const apiKeySchema = z
  .object({
    name: z.string().min(1).max(100).describe("The key's name (who uses it)."),
    key: z
      .string()
      .max(256)
      .superRefine((key, ctx) => {
        for (const message of apiKeyProblems(key)) ctx.addIssue({ code: 'custom', message });
      })
      .optional()
      .describe(
        'The key itself: at least 128 bits of entropy (docs/security.md, "API keys"; `genesys-handover keygen` makes one) — a secret: use a `${VAR}` reference or `GH__…`. Or give `keySha256` instead.',
      ),
    keySha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (the SHA-256 of the key)')
      .optional()
      .describe(
        "The key's SHA-256 in hex instead of the key, so the configuration holds no secret (`genesys-handover keygen` prints both). The key's strength cannot be checked from its hash: make it with keygen.",
      ),
    endpoints: z
      .array(z.union([z.literal('*'), id]))
      .min(1)
      .describe('Endpoint ids this key may act on; `"*"` for all.'),
    limits: keyLimitOverrides
      .optional()
      .describe("This key's own limits; each absent one is the top-level `limits` value."),
  })
  .strict()
  .refine((k) => (k.key === undefined) !== (k.keySha256 === undefined), {
    error: 'set exactly one of key or keySha256',
  });

export const configSchema = z
  .object({
    server: z
      .object({
        host: z
          .string()
          .min(1)
          .default('127.0.0.1')
          .describe('Interface to listen on; `0.0.0.0` in a container (the `HOST` variable sets it too).'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(8080)
          .describe('TCP port; 0 picks a free one (the `PORT` variable sets it too).'),
        adminPort: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .optional()
          .describe(
            'Serve `/metrics` and `/docs` on this port (on `adminHost`, no key) instead of the API port. Unset (the default): they are on the API port and need an API key.',
          ),
        adminHost: z
          .string()
          .min(1)
          .default('127.0.0.1')
          .describe('Interface of the admin port (`adminPort`); keep it off the internet.'),
        logLevel: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Log level (JSON lines on stdout).'),
        // Stable across restarts, so a restarted instance takes back what its previous life claimed.
        instanceId: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe(
            "This instance's name for webhook claims on PostgreSQL; stable across restarts. Default: the host name.",
          ),
        shutdownTimeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(300)
          .default(10)
          .describe('A graceful stop (SIGTERM) finishes within this many seconds, then the process exits 0.'),
        headersTimeoutSeconds: z
          .number()
          .min(1)
          .max(300)
          .default(SERVER_DEFAULTS.headersTimeoutSeconds)
          .describe(
            "A request's headers must arrive within this many seconds of the connection (slow-header attacks).",
          ),
        requestTimeoutSeconds: z
          .number()
          .min(1)
          .max(3600)
          .default(SERVER_DEFAULTS.requestTimeoutSeconds)
          .describe('A whole request, body included, must arrive within this many seconds (slow bodies).'),
        keepAliveTimeoutSeconds: z
          .number()
          .min(1)
          .max(600)
          .default(SERVER_DEFAULTS.keepAliveTimeoutSeconds)
          .describe('An idle kept-alive connection is closed after this many seconds.'),
        maxConnections: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(SERVER_DEFAULTS.maxConnections)
          .describe('Open connections at most (SSE streams included); more are closed on arrival.'),
      })
      .strict()
      .refine((s) => s.headersTimeoutSeconds <= s.requestTimeoutSeconds, {
        error: 'headersTimeoutSeconds must not exceed requestTimeoutSeconds',
      })
      .default({
        host: '127.0.0.1',
        port: 8080,
        adminHost: '127.0.0.1',
        logLevel: 'info',
        shutdownTimeoutSeconds: 10,
        ...SERVER_DEFAULTS,
      })
      .describe('The HTTP server.'),
    handovers: z
      .object({
        endWaitSeconds: z
          .number()
          .min(0)
          .max(120)
          .default(10)
          .describe('`POST …/end` waits this long for the end, then answers 202 (`handover.ended` follows).'),
        flushOnEndSeconds: z
          .number()
          .min(0)
          .max(300)
          .default(10)
          .describe(
            "An end waits this long for the customer's pending messages; the rest is reported undelivered.",
          ),
        startTimeoutSeconds: z
          .number()
          .min(1)
          .max(3600)
          .default(60)
          .describe(
            'Creating the Genesys conversation, and attaching its live stream, are each retried this long (5xx, 429, open circuit, timeouts), counted from the first failure, before the handover fails.',
          ),
      })
      .strict()
      .default({ endWaitSeconds: 10, flushOnEndSeconds: 10, startTimeoutSeconds: 60 })
      .describe('How handovers start and end (docs/reliability.md).'),
    store: z
      // Discriminated on `kind`, which may be left out for SQLite: a wrong field is then reported
      // against that field of the chosen kind, not as "store: Invalid input".
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('sqlite').default('sqlite').describe('Embedded SQLite (the default).'),
            path: z
              .string()
              .min(1)
              .default('./data/genesys-handover.db')
              .describe(
                'The database file; its directory is created. In the container: `/data/genesys-handover.db`.',
              ),
            writer: z
              .enum(['thread', 'inline'])
              .default('thread')
              .describe(
                'Where the writes run: `thread` — a worker thread that owns the write connection, so commits and their fsync do not stop the event loop (uses a second core); `inline` — on the main thread (one core, or a machine with no CPU to spare). docs/storage.md.',
              ),
          })
          .strict(),
        z
          .object({
            kind: z.literal('postgres').describe('PostgreSQL (docs/storage.md).'),
            url: z
              .string()
              .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
              .describe(
                '`postgres://user:password@host:5432/db` — holds a password: use a `${VAR}` reference or `GH__store__url`.',
              ),
            schema: z
              .string()
              .regex(/^[a-z_][a-z0-9_]{0,62}$/)
              .optional()
              .describe(
                "Schema for the tables (lower-case letters, digits, _). Default: the connection's search path.",
              ),
            poolSize: z.number().int().min(1).max(100).default(10).describe('Connections in the pool.'),
            preparedStatements: z
              .boolean()
              .default(true)
              .describe(
                'Send the statements as named prepared statements, parsed and planned once per connection (docs/storage.md). false behind a pooler in transaction mode that does not keep them (PgBouncer before 1.21, or `max_prepared_statements = 0`).',
              ),
            singleInstance: z
              .boolean()
              .default(true)
              .describe(
                'One gateway on this database (false: several instances, docs/scale-out.md): at start-up it takes back every webhook claim, so no delivery waits out the 60 s claim time-out after a kill -9.',
              ),
            leaseSeconds: z
              .number()
              .min(1)
              .max(60)
              .default(6)
              .describe(
                "Several instances (`singleInstance: false`, docs/scale-out.md): how long after an instance's last lease renewal its handovers are taken over by another. Renewed every third of it (default 6: a takeover within ~8 s).",
              ),
          })
          .strict(),
      ])
      .default({ kind: 'sqlite', path: './data/genesys-handover.db', writer: 'thread' })
      .describe('Where handovers, transcripts, the outbox and stream cursors live (docs/storage.md).'),
    webhooks: z
      .object({
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(120)
          .default(10)
          .describe("A delivery attempt waits this long for the bot's answer."),
        maxAgeSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 3600)
          .default(24 * 3600)
          .describe('How long an event is retried before it is dead-lettered.'),
        maxRetryDelaySeconds: z
          .number()
          .int()
          .min(1)
          .max(3600)
          .default(600)
          .describe('Upper bound of the exponential backoff between two attempts.'),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(1024)
          .default(128)
          .describe(
            'Deliveries in flight at once (each for a different handover); each may hold a keep-alive connection to the webhook.',
          ),
      })
      .strict()
      .default({ timeoutSeconds: 10, maxAgeSeconds: 24 * 3600, maxRetryDelaySeconds: 600, concurrency: 128 })
      .describe("Delivery of events to the bots' webhooks (docs/webhooks.md)."),
    retention: z
      .object({
        endedHandoverDays: z
          .number()
          .min(0.001)
          .max(36_500)
          .nullable()
          .default(30)
          .describe('Days after a handover ended (or failed); `null` keeps everything forever.'),
        purgeIntervalMinutes: z
          .number()
          .min(1)
          .max(7 * 24 * 60)
          .default(60)
          .describe('How often the gateway purges, in minutes.'),
      })
      .strict()
      .default({ endedHandoverDays: 30, purgeIntervalMinutes: 60 })
      .describe(
        'How long ended handovers are kept (docs/security.md): then deleted with transcript, events and outbox.',
      ),
    tracing: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'OpenTelemetry traces of bot requests, Genesys calls and webhook deliveries, sent over OTLP/HTTP to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` (default http://localhost:4318; `OTEL_EXPORTER_OTLP_HEADERS` for credentials). Off: no OpenTelemetry SDK is loaded.',
          ),
        serviceName: z
          .string()
          .min(1)
          .max(200)
          .default('genesys-handover')
          .describe('`service.name` of the spans (`OTEL_SERVICE_NAME` wins when set).'),
        sampleRatio: z
          .number()
          .min(0)
          .max(1)
          .default(1)
          .describe(
            "Share of new traces recorded, 0 to 1. A caller's `traceparent` decides for its own trace (parent-based sampling).",
          ),
      })
      .strict()
      .default({ enabled: false, serviceName: 'genesys-handover', sampleRatio: 1 })
      .describe('Distributed tracing (docs/observability.md).'),
    genesys: z
      .object({
        requestsPerSecond: z
          .number()
          .min(0.1)
          .max(100_000)
          .nullable()
          .default(GENESYS_BUDGET_DEFAULTS.requestsPerSecond)
          .describe(
            'Requests per second to each Genesys environment (API host), shared by every handover and endpoint, guest chat and Open Messaging alike; `null`: no limit.',
          ),
        burst: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(GENESYS_BUDGET_DEFAULTS.burst)
          .describe('Requests that may go to one environment at once after a quiet spell.'),
      })
      .strict()
      .default(GENESYS_BUDGET_DEFAULTS)
      .describe('The request budget of each Genesys environment (docs/reliability.md).'),
    limits: keyLimits
      .default(DEFAULT_KEY_LIMITS)
      .describe('Limits of every API key (each key may override them).'),
    security: z
      .object({
        allowInsecureHttp: z
          .boolean()
          .default(false)
          .describe(
            'Plain http:// to hosts other than loopback (an emulator on another machine). Never in production.',
          ),
        blockPrivateWebhookAddresses: z
          .boolean()
          .default(false)
          .describe('Refuse webhook URLs naming private, link-local (cloud metadata) or loopback addresses.'),
      })
      .strict()
      .default({ allowInsecureHttp: false, blockPrivateWebhookAddresses: false })
      .describe('Upstream trust (docs/security.md).'),
    apiKeys: z.array(apiKeySchema).min(1).describe('Keys the bots send as `Authorization: Bearer <key>`.'),
    endpoints: z
      .array(endpointSchema)
      .min(1)
      .describe(
        'Where handovers go: one Genesys set-up (guest chat or Open Messaging) and its defaults each.',
      ),
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

/** What admin commands beside the gateway need (`dead-letters`): the store, and the instance's name. */
export const storeSettingsSchema = z
  .object({
    store: configSchema.shape.store,
    server: z.object({ instanceId: configSchema.shape.server.unwrap().shape.instanceId }).default({}),
  })
  .strict();

/**
 * Checks across fields (duplicate ids, keys naming unknown endpoints). It reads the raw input, not
 * the parsed config, so it reports even when other fields are invalid: every problem at once.
 */
export function crossCheck(raw: unknown): string[] {
  const problems: string[] = [];
  const obj = (raw ?? {}) as { endpoints?: unknown; apiKeys?: unknown };
  const endpoints = Array.isArray(obj.endpoints) ? (obj.endpoints as { id?: unknown }[]) : [];
  const apiKeys = Array.isArray(obj.apiKeys) ? (obj.apiKeys as { endpoints?: unknown }[]) : [];
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
  // Genesys schedules and agent counts come from the Platform API: a guest-chat endpoint needs an OAuth client for them.
  endpoints.forEach((e, i) => {
    const a = (e as { provider?: unknown; availability?: Record<string, unknown> }).availability;
    if ((e as { provider?: unknown }).provider !== 'genesys-guest-chat' || !a || a.platform !== undefined)
      return;
    if (a.scheduleGroup !== undefined || a.whenNoAgent === 'refuse')
      problems.push(
        `endpoints.${i}.availability.platform: a guest-chat endpoint needs an OAuth client for Genesys schedules and agent availability`,
      );
  });
  const digests = new Set<string>();
  apiKeys.forEach((k, i) => {
    const { key, keySha256 } = k as { key?: unknown; keySha256?: unknown };
    const digest =
      typeof key === 'string'
        ? apiKeySha256(key)
        : typeof keySha256 === 'string'
          ? keySha256.toLowerCase()
          : undefined;
    if (digest !== undefined && digests.has(digest))
      problems.push(`apiKeys.${i}.${typeof key === 'string' ? 'key' : 'keySha256'}: duplicate API key`);
    if (digest !== undefined) digests.add(digest);
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
