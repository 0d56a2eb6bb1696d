// zod marks absent optional fields `T | undefined`; the domain (exactOptionalPropertyTypes) wants
// them absent. This drops undefined-valued keys and narrows the type accordingly.
export type DropUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

export function dropUndefined<T extends object>(obj: T): DropUndefined<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as DropUndefined<T>;
}
