// Per-handover abort controllers that follow one shared stop signal through a registry, with one
// listener on that signal however many handovers are live.
//
// Why not `signal.addEventListener('abort', …)` per handover: Node's EventTarget keeps a signal's
// listeners in a list and walks it on every add (duplicate check) and every remove. With one
// listener per live stream on the engine's stop signal, every other add/remove on that signal —
// one per REST call that takes it — cost O(live handovers) (issue 12: 19 % of the CPU while
// creating handovers at 15,000 live). Here adding and releasing a child are O(1) Set operations.
const registries = new WeakMap<AbortSignal, Set<AbortController>>();

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
  let children = registries.get(parent);
  if (!children) {
    const set = new Set<AbortController>();
    children = set;
    registries.set(parent, set);
    parent.addEventListener(
      'abort',
      () => {
        registries.delete(parent);
        for (const c of set) c.abort(parent.reason);
        set.clear();
      },
      { once: true },
    );
  }
  children.add(child);
  return child;
}

/** Forgets a child of `parent` (it no longer follows the parent's abort). O(1). */
export function releaseChild(parent: AbortSignal, child: AbortController): void {
  registries.get(parent)?.delete(child);
}
