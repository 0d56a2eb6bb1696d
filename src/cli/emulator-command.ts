// `genesys-handover emulator`: runs the Genesys emulator (guest chat + OAuth, Open Messaging and
// Notifications on one port) on its own until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { exposureWarning } from '../emulator/http/host-check.ts';
import type { EmulatorOptions, OpenIntegrationConfig } from '../emulator/index.ts';
import { PARTICIPANT_DISCONNECT_TYPES } from '../emulator/open-messaging/options.ts';
import { businessHoursSchema } from '../emulator/platform/business-hours-schema.ts';

const intFlag = (min: number) => z.coerce.number().int().min(min);

/** `--oauth-client <id:secret>`: the secret is everything after the first colon. */
const oauthClientFlag = z.string().transform((value, ctx) => {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    ctx.addIssue({ code: 'custom', message: 'must be <clientId>:<clientSecret>' });
    return z.NEVER;
  }
  return { clientId: value.slice(0, colon), clientSecret: value.slice(colon + 1) };
});

/** `--open-integration <json>`: an integration that exists from the start (OM doc §2). */
const integrationFlag = z.string().transform((value, ctx): OpenIntegrationConfig => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }
  const result = z
    .strictObject({
      id: z.string().min(1).optional(),
      name: z.string().min(1),
      outboundNotificationWebhookUrl: z.string().min(1),
      outboundNotificationWebhookSignatureSecretToken: z.string().min(1),
      webhookHeaders: z.record(z.string(), z.string()).optional(),
    })
    .safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({
      code: 'custom',
      message: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
    return z.NEVER;
  }
  const { id, webhookHeaders, ...required } = result.data;
  const config: { -readonly [K in keyof OpenIntegrationConfig]: OpenIntegrationConfig[K] } = { ...required };
  if (id !== undefined) config.id = id;
  if (webhookHeaders !== undefined) config.webhookHeaders = webhookHeaders;
  return config;
});

/** `--business-hours <file>`: schedules, schedule groups and emergency groups as JSON (OM doc §7.5). */
const businessHoursFlag = z.string().transform((path, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `cannot read a JSON file: ${(error as Error).message}` });
    return z.NEVER;
  }
  const result = businessHoursSchema.safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({
      code: 'custom',
      message: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
    return z.NEVER;
  }
  return result.data;
});

const flagsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  allowedHost: z.array(z.string().min(1).max(253)).default([]),
  port: intFlag(0).max(65_535).default(0),
  heartbeatMs: intFlag(1).optional(),
  graceMs: intFlag(1).optional(),
  autoAgent: z.boolean().default(false),
  autoAgentDelayMs: intFlag(0).default(1500),
  oauthClient: z.array(oauthClientFlag).default([]),
  tokenLifetimeSeconds: intFlag(1).optional(),
  tokenRequestsPerMinute: intFlag(1).optional(),
  openIntegration: z.array(integrationFlag).default([]),
  integrationProvisioningMs: intFlag(0).optional(),
  requireHttpsWebhooks: z.boolean().default(false),
  dedupeInboundMessageIds: z.boolean().default(false),
  queueAttribute: z.string().min(1).optional(),
  languageAttribute: z.string().min(1).optional(),
  skillsAttribute: z.string().min(1).optional(),
  priorityAttribute: z.string().min(1).optional(),
  defaultQueue: z.string().min(1).optional(),
  flowResponse: z.array(z.string().min(1)).default([]),
  webhookTimeoutMs: intFlag(1).optional(),
  webhookRetries: intFlag(0).optional(),
  webhookRetryDelayMs: intFlag(0).optional(),
  rejectDisconnectType: z.enum(PARTICIPANT_DISCONNECT_TYPES).optional(),
  userStartOn: z.enum(['alerting', 'connected']).optional(),
  acwMs: intFlag(0).optional(),
  notificationHeartbeatMs: intFlag(1).optional(),
  channelLifetimeMs: intFlag(1).optional(),
  businessHours: businessHoursFlag.optional(),
  offQueue: z.array(z.string().min(1)).default([]),
  averageHandleSeconds: intFlag(1).optional(),
  estimatedWaitWithoutAgents: z.enum(['longest-waiting', 'error']).optional(),
});

type Flags = z.infer<typeof flagsSchema>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Only the flags that were given become options, so the emulator's documented defaults apply otherwise. */
function toOptions(flags: Flags): EmulatorOptions {
  const given = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  const architect = {
    ...given('queueAttribute', flags.queueAttribute),
    ...given('languageAttribute', flags.languageAttribute),
    ...given('skillsAttribute', flags.skillsAttribute),
    ...given('priorityAttribute', flags.priorityAttribute),
    ...given('defaultQueue', flags.defaultQueue),
    ...(flags.flowResponse.length > 0 ? { responses: flags.flowResponse } : {}),
  };
  return {
    host: flags.host,
    ...(flags.allowedHost.length > 0 ? { allowedHosts: flags.allowedHost } : {}),
    port: flags.port,
    ...given('heartbeatIntervalMs', flags.heartbeatMs),
    ...given('disconnectGraceMs', flags.graceMs),
    ...(flags.autoAgent ? { autoAgent: { acceptDelayMs: flags.autoAgentDelayMs } } : {}),
    // Given clients replace the demo client.
    ...(flags.oauthClient.length > 0 ? { oauthClients: flags.oauthClient } : {}),
    ...given('tokenLifetimeSeconds', flags.tokenLifetimeSeconds),
    ...given('tokenRequestsPerMinute', flags.tokenRequestsPerMinute),
    ...(flags.openIntegration.length > 0 ? { openIntegrations: flags.openIntegration } : {}),
    ...given('integrationProvisioningMs', flags.integrationProvisioningMs),
    requireHttpsWebhooks: flags.requireHttpsWebhooks,
    dedupeInboundMessageIds: flags.dedupeInboundMessageIds,
    ...(Object.keys(architect).length > 0 ? { architect } : {}),
    ...given('webhookTimeoutMs', flags.webhookTimeoutMs),
    ...given('webhookRetries', flags.webhookRetries),
    ...given('webhookRetryDelayMs', flags.webhookRetryDelayMs),
    ...given('rejectDisconnectType', flags.rejectDisconnectType),
    ...given('userStartOn', flags.userStartOn),
    ...given('acwDurationMs', flags.acwMs),
    ...given('notificationHeartbeatIntervalMs', flags.notificationHeartbeatMs),
    ...given('channelLifetimeMs', flags.channelLifetimeMs),
    ...given('businessHours', flags.businessHours),
    ...(flags.offQueue.length > 0 ? { offQueueAgents: flags.offQueue } : {}),
    ...given('averageHandleSeconds', flags.averageHandleSeconds),
    ...given('estimatedWaitWithoutAgents', flags.estimatedWaitWithoutAgents),
  };
}

const EXAMPLES = `
Open Messaging (OAuth client credentials; the demo client is emulator-client / emulator-secret):
  E=http://127.0.0.1:8099
  TOKEN=$(curl -s -u emulator-client:emulator-secret -d grant_type=client_credentials \\
    $E/login/oauth/token | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST $E/api/v2/conversations/messaging/integrations/open \\
    -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"name":"My bot","outboundNotificationWebhookUrl":"http://127.0.0.1:3000/genesys/webhook",
         "outboundNotificationWebhookSignatureSecretToken":"at-least-16-characters"}'

Genesys' official SDK (purecloud-platform-client-v2) against the emulator — login and API both go there:
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: 8099, path_params_login: 'login' })
  (never set path_params_api) — then loginClientCredentialsGrant('emulator-client', 'emulator-secret').

Full reference: docs/emulator.md`;

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description(
      'Run the Genesys Cloud emulator: guest chat (REST + event stream), OAuth, Open Messaging, Notifications, agent API and console',
    )
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option(
      '--allowed-host <name>',
      'a host name clients reach the emulator by, accepted in Host besides IPs and localhost (repeatable; DNS-rebinding guard)',
      collect,
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--heartbeat-ms <ms>', 'guest event-stream heartbeat interval (default 30000)')
    .option('--grace-ms <ms>', 'disconnect a guest after this long without an event stream (default 120000)')
    .option('--auto-agent', 'agents accept chats and answer messages by themselves')
    .option('--auto-agent-delay-ms <ms>', 'auto-agent: time before an agent accepts a chat', '1500')
    .option(
      '--oauth-client <id:secret>',
      'accepted OAuth client (repeatable; replaces the demo client emulator-client/emulator-secret)',
      collect,
    )
    .option('--token-lifetime-seconds <s>', 'access token lifetime (default 86399)')
    .option(
      '--token-requests-per-minute <n>',
      'platform API requests per token and minute before 429 (default 300)',
    )
    .option(
      '--open-integration <json>',
      'integration that exists from the start (repeatable): {"id"?,"name","outboundNotificationWebhookUrl","outboundNotificationWebhookSignatureSecretToken","webhookHeaders"?}',
      collect,
    )
    .option(
      '--integration-provisioning-ms <ms>',
      'time an API-created integration stays Initiated (default 1000)',
    )
    .option('--require-https-webhooks', 'accept only HTTPS webhook URLs on port 443, like Genesys')
    .option('--dedupe-inbound-message-ids', 'answer a repeated channel.messageId with the first answer')
    .option('--queue-attribute <name>', 'custom attribute naming the queue (default hg_queue)')
    .option('--language-attribute <name>', 'custom attribute naming the language (default hg_language)')
    .option('--skills-attribute <name>', 'custom attribute with comma-separated skills (default hg_skills)')
    .option('--priority-attribute <name>', 'custom attribute with the priority (default hg_priority)')
    .option('--default-queue <name>', 'queue when the attribute names none (default: the first queue)')
    .option(
      '--flow-response <text>',
      'Send Response text of the inbound flow (repeatable; webhook originatingEntity Bot)',
      collect,
    )
    .option('--webhook-timeout-ms <ms>', 'webhook answer timeout (default 10000)')
    .option('--webhook-retries <n>', 'webhook retries on timeout/429/5xx (default 5)')
    .option('--webhook-retry-delay-ms <ms>', 'pause between webhook attempts (default 5000)')
    .option(
      '--reject-disconnect-type <type>',
      'disconnectType of an agent who rejects a chat (default client)',
    )
    .option(
      '--user-start-on <moment>',
      'user.start when the agent is offered the chat (alerting) or answers (connected); default alerting',
    )
    .option('--acw-ms <ms>', 'after-call work before the acw event (default 1000)')
    .option('--notification-heartbeat-ms <ms>', 'notification socket heartbeat interval (default 30000)')
    .option('--channel-lifetime-ms <ms>', 'notification channel lifetime (default 86400000)')
    .option(
      '--business-hours <file>',
      'JSON file of schedules, schedule groups and emergency groups: {"schedules":[…],"scheduleGroups":[…],"emergencyGroups":[…]}',
    )
    .option('--off-queue <agent>', 'agent (by name) that starts off queue (repeatable)', collect)
    .option('--average-handle-seconds <s>', 'average handle time behind estimated waits (default 180)')
    .option(
      '--estimated-wait-without-agents <mode>',
      'no agent on queue: longest-waiting (default) or error (404, no estimate)',
    )
    .addHelpText('after', EXAMPLES)
    .action(async (raw: Record<string, unknown>) => {
      const parsed = flagsSchema.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))}: ${i.message}`);
        throw new Error(`invalid emulator flags: ${problems.join('; ')}`);
      }
      const warning = exposureWarning(parsed.data.host);
      if (warning) process.stderr.write(`${warning}\n`);
      // Loaded here, not at the top: every other command (`serve` above all) starts without the
      // emulator's modules (issue 12: start-up time).
      const { startEmulator } = await import('../emulator/index.ts');
      const emulator = await startEmulator(toOptions(parsed.data));
      process.stdout.write(`emulator: ${emulator.url}\n`);
      process.stdout.write(`agent API: ${emulator.url}/emulator/v1/conversations\n`);
      process.stdout.write(`agent console: ${emulator.consoleUrl}\n`);
      // Client ids only: secrets never go to the output.
      const clients = parsed.data.oauthClient.map((c) => c.clientId);
      process.stdout.write(
        `OAuth token: ${emulator.url}/login/oauth/token (clients: ${clients.length > 0 ? clients.join(', ') : 'emulator-client'})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await emulator.close();
      process.stdout.write('emulator: stopped\n');
    });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
