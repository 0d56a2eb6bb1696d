// The bot API's one string schema: every string a bot sends (bodies, query strings, cursors, path
// parameters) is a `safeString()`, so a NUL or a lone surrogate is a 400 VALIDATION_FAILED naming the
// field — never a 500 from a store that cannot hold it (see src/core/text/safe-text.ts).
import { z } from 'zod';
import { isSafeText } from '../core/text/safe-text.ts';

export const UNSAFE_TEXT_MESSAGE = 'must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate';

/** A string that every store keeps exactly: refuses NUL and lone surrogates. */
export function safeString() {
  return z.string().refine(isSafeText, { error: UNSAFE_TEXT_MESSAGE });
}
