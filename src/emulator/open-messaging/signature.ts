// §4.4: `X-Hub-Signature-256: sha256=` + base64 (not hex) of HMAC-SHA256(key = UTF-8 secret, data =
// the raw request body). Test vector: secret `my-secret-token-1234`, body
// `{"id":"m1","type":"Text","text":"Hi"}` → `sha256=HfeSV9RU7dAhH7Mowhdms7bYJBk29bTRgH9+wYHHPRA=`.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Hub-Signature-256';

export function hubSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody, 'utf8').digest('base64')}`;
}
