// The configuration reference, generated from the zod schema (schema.ts) so it cannot drift:
// docs/configuration.md (every field: type, default, meaning, environment variable) and a JSON Schema
// for editors (config/genesys-handover.schema.json). `npm run config:reference` writes both; a test
// fails when the committed files differ from what this produces.
import { z } from 'zod';
import { configSchema } from './schema.ts';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  [key: string]: unknown;
};

/** What a user writes: defaults make fields optional (zod's input side). */
function inputSchema(): JsonSchema {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema;
}

/**
 * The JSON Schema for editors (YAML language server, VS Code). A string field also accepts a value
 * with a `${VAR}` reference (resolved from the environment before validation), so a secret kept
 * out of the file does not show as an error.
 */
export function configJsonSchema(): JsonSchema {
  const withReferences = (node: JsonSchema): JsonSchema => {
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object')
        out[key] = Object.fromEntries(
          Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, withReferences(v)]),
        );
      else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object')
        out[key] = withReferences(value as JsonSchema);
      else if ((key === 'oneOf' || key === 'anyOf') && Array.isArray(value))
        out[key] = (value as JsonSchema[]).map(withReferences);
      else out[key] = value;
    }
    const constrained =
      out.type === 'string' &&
      out.const === undefined &&
      (out.pattern !== undefined ||
        out.format !== undefined ||
        out.minLength !== undefined ||
        out.enum !== undefined);
    if (!constrained) return out;
    const { description, default: dflt, ...rule } = out;
    return {
      ...(description === undefined ? {} : { description }),
      ...(dflt === undefined ? {} : { default: dflt }),
      anyOf: [rule, { type: 'string', pattern: '\\$\\{[A-Z_][A-Z0-9_]*\\}' }],
    };
  };
  const { $schema, ...rest } = withReferences(inputSchema());
  return {
    $schema,
    title: 'genesys-handover configuration',
    description: 'Generated from src/config/schema.ts by `npm run config:reference` — do not edit.',
    ...rest,
  };
}

interface Row {
  readonly path: string;
  readonly env: string;
  readonly type: string;
  readonly dflt: string;
  readonly meaning: string;
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.every((a) => a.type === 'object')) return 'object';
  if (alternatives) return alternatives.map(typeOf).join(' \\| ');
  const type = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
  const limits: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string): void => {
    if (min !== undefined && max !== undefined) limits.push(`${min}–${max}${unit}`);
    else if (min !== undefined) limits.push(`≥ ${min}${unit}`);
    else if (max !== undefined) limits.push(`≤ ${max}${unit}`);
  };
  range(s.minimum, s.maximum, '');
  if (s.minLength === 1 && s.maxLength === undefined) limits.push('non-empty');
  else range(s.minLength, s.maxLength, ' chars');
  range(s.minItems, s.maxItems, ' items');
  if (s.format) limits.push(s.format);
  if (s.pattern) limits.push(`pattern \`${s.pattern.replaceAll('|', '\\|')}\``);
  if (type === 'array' && s.items)
    return `array of ${typeOf(s.items)}${limits.length ? ` (${limits.join(', ')})` : ''}`;
  if (type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object')
    return `map of ${typeOf(s.additionalProperties)}`;
  return limits.length ? `${type} (${limits.join(', ')})` : type;
}

function defaultOf(s: JsonSchema, required: boolean): string {
  if (s.default === undefined) return required ? '**required**' : '—';
  if (s.default !== null && typeof s.default === 'object' && !Array.isArray(s.default)) return 'see fields';
  return `\`${JSON.stringify(s.default)}\``;
}

/** Flattens the schema into one row per field; objects get a row and then their fields. */
function rows(
  s: JsonSchema,
  path: string,
  env: string,
  required: boolean,
  out: Row[],
  missing: string[],
): void {
  if (path !== '') {
    if (!s.description) missing.push(path);
    out.push({
      path,
      env,
      type: s.oneOf ? 'object, one of the kinds below' : typeOf(s),
      dflt: defaultOf(s, required),
      meaning: (s.description ?? '').replaceAll('|', '\\|'),
    });
  }
  if (s.type === 'array' && s.items) {
    // Elements are addressed by index; endpoints also by id (config/load.ts).
    const key = path === 'endpoints' ? '<id or index>' : '<index>';
    expand(s.items, `${path}[]`, `${env}__${key}`, out, missing);
    return;
  }
  expand(s, path, env, out, missing);
}

function expand(s: JsonSchema, path: string, env: string, out: Row[], missing: string[]): void {
  if (s.oneOf) {
    // Variants (store kinds, endpoint providers): shared fields once, then each variant's own.
    const seen = new Map<string, string>();
    for (const variant of s.oneOf) {
      const tag = Object.entries(variant.properties ?? {}).find(([, p]) => p.const !== undefined);
      const label = tag ? `${tag[0]}: ${String(tag[1].const)}` : '';
      for (const [name, child] of Object.entries(variant.properties ?? {})) {
        const childPath = path ? `${path}.${name}` : name;
        const sub: Row[] = [];
        rows(child, childPath, `${env}__${name}`, (variant.required ?? []).includes(name), sub, missing);
        for (const row of sub) {
          const key = `${row.path}|${row.type}|${row.dflt}|${row.meaning}`;
          const shared = s.oneOf.every(
            (v) =>
              JSON.stringify(pick(v, row.path.slice(path.length + 1))) ===
              JSON.stringify(pick(variant, row.path.slice(path.length + 1))),
          );
          if (seen.has(key)) continue;
          seen.set(key, label);
          out.push(
            shared || row.path === `${path}.${tag?.[0]}`
              ? row
              : { ...row, meaning: `(${label}) ${row.meaning}` },
          );
        }
      }
    }
    return;
  }
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    rows(
      child,
      path ? `${path}.${name}` : name,
      `${env}__${name}`,
      (s.required ?? []).includes(name),
      out,
      missing,
    );
  }
}

/** The sub-schema at a dotted path (with `[]` for array elements), for comparing variants. */
function pick(s: JsonSchema | undefined, dotted: string): JsonSchema | undefined {
  let node = s;
  for (const part of dotted.split('.')) {
    if (!node) return undefined;
    const name = part.replace(/\[\]$/, '');
    node = node.properties?.[name];
    if (part.endsWith('[]')) node = node?.items;
  }
  return node;
}

/** Every field's row; `missing` lists fields without a description (the test wants none). */
export function configFields(): { rows: Row[]; missing: string[] } {
  const out: Row[] = [];
  const missing: string[] = [];
  rows(inputSchema(), '', 'GH', true, out, missing);
  return { rows: out, missing };
}

const INTRO = `# Configuration reference

<!-- Generated from src/config/schema.ts by \`npm run config:reference\`; a test fails when it is out of date. Do not edit. -->

The gateway (\`genesys-handover serve\`) reads its configuration from, in this order (later wins):

1. **a file**, JSON or YAML: \`--config <file>\`, or the path in \`GENESYS_HANDOVER_CONFIG\` — or no file at
   all: the environment alone is a whole configuration (a container needs no file);
2. **\`\${VAR}\` references** inside the file's strings, resolved from the environment (secrets stay out of
   the file; an unset variable is an error, never an empty value);
3. **\`HOST\` and \`PORT\`**: \`server.host\` and \`server.port\`;
4. **\`GH__<path>\` variables**: any field, the path's parts joined by \`__\`
   (\`GH__server__logLevel=debug\`). Values are parsed as JSON when they parse (numbers, booleans,
   arrays, objects), else taken as strings. Array elements are addressed by index (\`GH__apiKeys__0__key\`;
   a new index creates the element) or, for endpoints, by id (\`GH__endpoints__support__queue\`).

A bad configuration stops start-up with exit code 2 and every problem listed, one line per field.
\`genesys-handover dead-letters\` reads only \`store\` (and \`server.instanceId\`), or \`--store <file|url>\`.

Editors: [config/genesys-handover.schema.json](../config/genesys-handover.schema.json) is a JSON Schema
of the file (in YAML: \`# yaml-language-server: $schema=./genesys-handover.schema.json\`).

## The environment alone

\`\`\`sh
HOST=0.0.0.0 PORT=8080
GH__store__kind=postgres GH__store__url=postgres://gw:…@db:5432/gw
GH__apiKeys__0__name=bot GH__apiKeys__0__key=… GH__apiKeys__0__endpoints='["support"]'
GH__endpoints__0__id=support GH__endpoints__0__provider=genesys-open-messaging GH__endpoints__0__queue=Support
GH__endpoints__0__genesys__region=eu_central_1 GH__endpoints__0__genesys__integrationId=…
GH__endpoints__0__genesys__clientId=… GH__endpoints__0__genesys__clientSecret=… GH__endpoints__0__genesys__webhookSecret=…
\`\`\`

(A whole array in one variable works too: \`GH__endpoints='[{"id":"support",…}]'\`.)

## Fields

Durations are in seconds unless the name says otherwise. "see fields": an object whose fields have
their own defaults. In the variable names, \`<index>\` is an array index and \`<id or index>\` an
endpoint's id or index.
`;

export function configReferenceMarkdown(): string {
  const { rows: all } = configFields();
  const sections = new Map<string, Row[]>();
  for (const row of all) {
    const top = row.path.split(/[.[]/)[0] ?? row.path;
    sections.set(top, [...(sections.get(top) ?? []), row]);
  }
  const parts = [INTRO];
  for (const [name, list] of sections) {
    parts.push(
      `\n### \`${name}\`\n\n| field | type | default | meaning | environment variable |\n| --- | --- | --- | --- | --- |`,
    );
    for (const r of list)
      parts.push(`| \`${r.path}\` | ${r.type} | ${r.dflt} | ${r.meaning} | \`${r.env}\` |`);
  }
  return `${parts.join('\n')}\n`;
}
