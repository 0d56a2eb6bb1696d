// zod schemas of what the page sends the bot server. Strict: an unknown field is a 400, so a typo in
// the page shows up at once instead of being silently ignored.
import { z } from 'zod';

export const messageBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });

const short = z.string().trim().min(1).max(100);

export const settingsBody = z.strictObject({
  /**
   * The contact center's endpoint id. Only its shape is checked here: whether the bot offers it is
   * the bot's answer (`unknown_endpoint`), the list being the bot's configuration.
   */
  endpoint: z.string().trim().min(1).max(64),
  displayName: short,
  language: short.optional(),
  skills: z.array(short).max(10),
  priority: z.number().int().min(0).max(100).optional(),
  /** Key/value rows of the page's form; keys must be unique (the page checks too). */
  customAttributes: z
    .array(z.strictObject({ key: z.string().trim().min(1).max(64), value: z.string().max(500) }))
    .max(20)
    .refine(
      (rows) => new Set(rows.map((r) => r.key)).size === rows.length,
      'custom attribute keys must be unique',
    ),
});
export type SettingsBody = z.infer<typeof settingsBody>;

/** Routes without a body accept none or `{}`. */
export const emptyBody = z.strictObject({});
