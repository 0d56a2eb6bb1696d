// `genesys-handover keygen`: a new API key and its SHA-256, or (`--webhook-secret`) a new webhook
// signing secret. The key goes to the bot; the configuration may hold the hash alone (`keySha256`),
// so neither the file nor its backups carry a secret (docs/security.md, "API keys").
import { Command } from 'commander';
import { apiKeySha256, generateApiKey, generateWebhookSecret } from '../config/api-key-strength.ts';

export function keygenCommand(): Command {
  return new Command('keygen')
    .description('Make a new API key (ghk_ + 32 random bytes) and its SHA-256 for keySha256')
    .option('--webhook-secret', 'make a Standard Webhooks secret (whsec_ + 32 random bytes) instead')
    .option('--json', 'print one JSON object instead of lines')
    .action((flags: { webhookSecret?: boolean; json?: boolean }) => {
      if (flags.webhookSecret) {
        const secret = generateWebhookSecret();
        process.stdout.write(flags.json ? `${JSON.stringify({ secret })}\n` : `${secret}\n`);
        return;
      }
      const key = generateApiKey();
      const keySha256 = apiKeySha256(key);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ key, keySha256 })}\n`
          : [
              `key:       ${key}`,
              `keySha256: ${keySha256}`,
              '',
              'Give the key to the bot (Authorization: Bearer <key>); configure either of them:',
              '  apiKeys:',
              '    - name: bot',
              `      keySha256: ${keySha256}`,
              '      endpoints: ["*"]',
              '',
            ].join('\n'),
      );
    });
}
