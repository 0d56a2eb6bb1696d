// Guest JWTs (§3.2): claim layout, signature check, expiry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JwtSigner, looksLikeJwt } from '../../src/emulator/jwt.ts';

test('mint/verify round trip with the §3.2 claims; tampering and expiry are detected', () => {
  let now = 1_700_000_000_000;
  const signer = new JwtSigner(60, () => now);
  const token = signer.mint({
    organizationId: 'org',
    conversationId: 'conv',
    deploymentId: 'dep',
    memberId: 'me',
  });
  const verdict = signer.verify(token);
  assert.deepEqual(verdict, {
    ok: true,
    claims: {
      iss: 'urn:purecloud:webchat',
      org: 'org',
      iat: 1_700_000_000,
      exp: 1_700_000_060,
      data: { conv: 'conv', did: 'dep', sub: 'me' },
    },
  });
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  assert.equal(header.alg, 'HS256');
  assert.equal(header.typ, 'JWT');

  const [h, , s] = token.split('.');
  const forged = `${h!}.${Buffer.from(JSON.stringify({ data: { conv: 'other' } })).toString('base64url')}.${s!}`;
  assert.deepEqual(signer.verify(forged), { ok: false, reason: 'bad-signature' });
  assert.deepEqual(signer.verify('a.b'), { ok: false, reason: 'malformed' });
  assert.deepEqual(new JwtSigner(60).verify(token), { ok: false, reason: 'bad-signature' });

  now += 60_000;
  assert.deepEqual(signer.verify(token), { ok: false, reason: 'expired' });
  assert.ok(looksLikeJwt(token));
  assert.ok(!looksLikeJwt('not a jwt'));
});
