// A fresh store per test, closed after it, so no test sees another's rows.
import { afterEach, beforeEach } from 'node:test';
import type { Store } from '../../../src/core/ports/store/index.ts';

export function useStore(makeStore: () => Promise<Store>): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (!store) throw new Error('store used outside a test');
    return store;
  };
}
