// Checking numeric emulator options: every one is a finite number with a minimum, and an error names
// the option. Shared by the option resolvers of each side.

/** Checks one numeric option; the error names it. */
export function positive(name: string, value: number, min = 1): number {
  if (!Number.isFinite(value) || value < min)
    throw new RangeError(`emulator option ${name} must be a number ≥ ${min}`);
  return value;
}

/** Each option of `minimums`: the given value, else its default, checked against its minimum. */
export function numericOptions<K extends string>(
  given: { readonly [P in NoInfer<K>]?: number | undefined },
  defaults: { readonly [P in NoInfer<K>]: number },
  minimums: Readonly<Record<K, number>>,
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of Object.keys(minimums) as K[]) {
    out[name] = positive(name, given[name] ?? defaults[name], minimums[name]);
  }
  return out;
}
