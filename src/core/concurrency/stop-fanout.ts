// Per-handover abort controllers that follow one shared stop signal through a registry, with one
// listener on that signal however many handovers are live.
//
// Why not `signal.addEventListener('abort', …)` per handover: Node's EventTarget keeps a signal's
// listeners in a list and walks it on every add (duplicate check) and every remove. With one
// listener per live stream on the engine's stop signal, every other add/remove on that signal —
// one per REST call that takes it — cost O(live handovers) (issue 12: 19 % of the CPU while
// creating handovers at 15,000 live). Here adding and releasing a child are O(1) Set operations.
//
// When its last child is released, a parent's registry entry and its listener go too: a REST call
// made with one live chat's signal would otherwise leave a Set, a listener and its closure on that
// signal for the chat's whole life (issue 12: ~0.3 KiB per idle handover).
interface Registry {
  readonly children: Set<AbortController>;
  readonly onAbort: () => void;
}

const registries = new WeakMap<AbortSignal, Registry>();

/**
 * A controller aborted (with the parent's reason) when `parent` aborts; already aborted if it has.
 * Call `releaseChild` when the child's work is over, so the registry does not hold it.
 */
export function childController(parent: AbortSignal): AbortController {
  const child = new AbortController();
  if (parent.aborted) {
    child.abort(parent.reason);
    return child;
  }
  let registry = registries.get(parent);
  if (!registry) {
    const children = new Set<AbortController>();
    const onAbort = (): void => {
      registries.delete(parent);
      for (const c of children) c.abort(parent.reason);
      children.clear();
    };
    registry = { children, onAbort };
    registries.set(parent, registry);
    parent.addEventListener('abort', onAbort, { once: true });
  }
  registry.children.add(child);
  return child;
}

/** Forgets a child of `parent` (it no longer follows the parent's abort). O(1). */
export function releaseChild(parent: AbortSignal, child: AbortController): void {
  const registry = registries.get(parent);
  if (!registry?.children.delete(child) || registry.children.size > 0) return;
  registries.delete(parent);
  parent.removeEventListener('abort', registry.onAbort);
}
