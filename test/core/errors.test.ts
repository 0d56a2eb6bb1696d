import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, GatewayError } from '../../src/core/errors.ts';

test('every catalogue entry maps to a 4xx or 5xx status', () => {
  for (const [code, entry] of Object.entries(ErrorCodes)) {
    assert.ok(entry.status >= 400 && entry.status < 600, code);
    assert.ok(entry.message.length > 0, code);
  }
});

test('GatewayError serialises code, message and details but never its cause', () => {
  const err = new GatewayError('VALIDATION_FAILED', {
    details: [{ path: 'customer.userId', message: 'Required' }],
    cause: new Error('secret jwt eyJhbGciOi'),
  });
  assert.equal(err.status, 400);
  const body = JSON.stringify(err.toJSON());
  assert.deepEqual(JSON.parse(body), {
    error: {
      code: 'VALIDATION_FAILED',
      message: ErrorCodes.VALIDATION_FAILED.message,
      details: [{ path: 'customer.userId', message: 'Required' }],
    },
  });
  assert.ok(!body.includes('eyJ'));
});
