// Loads the configuration: a JSON or YAML file (or none: twelve-factor, the environment alone),
// `${VAR}` references resolved from the environment (so secrets need not live in files), then
// `HOST`/`PORT`, then `GH__a__b=value` environment overrides, then zod. Every problem is collected
// and reported at once — never one at a time, and each field once (docs/configuration.md).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, crossCheck, storeSettingsSchema, type GatewayConfig } from './schema.ts';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const OVERRIDE_PREFIX = 'GH__';
/** Names the configuration file when `--config` is not given (a container's environment). */
export const CONFIG_FILE_VARIABLE = 'GENESYS_HANDOVER_CONFIG';

/**
 * The configuration of `serve`: the file at `path` (`--config`, else `$GENESYS_HANDOVER_CONFIG`), or
 * — with neither — the environment alone (`GH__…`, `HOST`, `PORT`).
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const file = path ?? nonEmpty(env[CONFIG_FILE_VARIABLE]);
  return parseConfig(file === undefined ? {} : readConfigFile(file), env, { hostAndPort: true });
}

/**
 * Only the store settings (what `dead-letters` needs), from the same sources as loadConfig; the rest
 * of the file, if any, is neither read nor checked.
 */
export function loadStoreSettings(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): z.output<typeof storeSettingsSchema> {
  const file = path ?? nonEmpty(env[CONFIG_FILE_VARIABLE]);
  const raw = file === undefined ? {} : readConfigFile(file);
  const only = (value: unknown): Record<string, unknown> => {
    const obj = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const server = obj['server'] as { instanceId?: unknown } | undefined;
    return {
      ...(obj['store'] === undefined ? {} : { store: obj['store'] }),
      ...(server?.instanceId === undefined ? {} : { server: { instanceId: server.instanceId } }),
    };
  };
  const problems: string[] = [];
  const substituted = substituteEnv(only(raw), env, problems, '');
  const overrides = Object.fromEntries(
    Object.entries(env).filter(([k]) => /^GH__(store|server__instanceId)(__|$)/.test(k)),
  );
  applyOverrides(substituted, overrides, problems);
  return validate(storeSettingsSchema, substituted, problems, []);
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseConfig(readConfigFile(path), env);
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`]);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([
      `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0] ?? ''}`,
    ]);
  }
  return raw;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * `options.hostAndPort`: `HOST` and `PORT` set server.host and server.port (under `GH__` overrides)
 * — what platforms that assign the port expect. Off for configurations built in code (the demo).
 */
export function parseConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
  options: { hostAndPort?: boolean } = {},
): GatewayConfig {
  const problems: string[] = [];
  const substituted = substituteEnv(raw ?? {}, env, problems, '');
  if (options.hostAndPort) applyHostAndPort(substituted, env, problems);
  applyOverrides(substituted, env, problems);
  return validate(configSchema, substituted, problems, crossCheck(substituted));
}

function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  problems: string[],
  crossProblems: readonly string[],
): z.output<S> {
  const result = schema.safeParse(input);
  problems.push(...crossProblems);
  if (!result.success) {
    for (const issue of result.error.issues)
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(oncePerField(problems));
  return result.data;
}

/**
 * One line per field: zod and the cross-field checks can both speak about one path (and a union
 * about its branches); their messages are joined on that field's line, in first-seen order.
 */
function oncePerField(problems: readonly string[]): string[] {
  const byField = new Map<string, string[]>();
  for (const p of problems) {
    const colon = p.indexOf(': ');
    const field = colon < 0 ? p : p.slice(0, colon);
    const message = colon < 0 ? '' : p.slice(colon + 2);
    const messages = byField.get(field) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byField.set(field, messages);
  }
  return [...byField].map(([field, messages]) =>
    messages[0] === '' ? field : `${field}: ${messages.join('; ')}`,
  );
}

function applyHostAndPort(target: unknown, env: NodeJS.ProcessEnv, problems: string[]): void {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return;
  const root = target as Record<string, unknown>;
  const host = nonEmpty(env['HOST']);
  const port = nonEmpty(env['PORT']);
  if (host === undefined && port === undefined) return;
  const server = (
    root['server'] !== null && typeof root['server'] === 'object' ? root['server'] : (root['server'] = {})
  ) as Record<string, unknown>;
  if (host !== undefined) server['host'] = host;
  if (port !== undefined) {
    if (/^\d{1,5}$/.test(port)) server['port'] = Number(port);
    else problems.push(`PORT: "${port}" is not a port number`);
  }
}

function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, problems: string[], path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) problems.push(`${path || '(root)'}: environment variable ${name} is not set`);
      return v ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, `${path}.${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, problems, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}

/**
 * `GH__server__port=9000` sets server.port; `GH__endpoints__support__webhook__url=…` finds the
 * endpoint whose id is "support" (arrays of objects are addressed by `id`, or by index). An index
 * creates what is missing, so the environment alone can hold a whole configuration
 * (`GH__endpoints__0__id=support`, `GH__endpoints__0__queue=…`). Values are parsed as JSON when they
 * parse (numbers, booleans, arrays, objects), else taken as strings. Names are applied in sorted
 * order, so `…__0__id` exists before `…__support__…` addresses it.
 */
function applyOverrides(target: unknown, env: NodeJS.ProcessEnv, problems: string[]): void {
  const names = Object.keys(env)
    .filter((name) => name.startsWith(OVERRIDE_PREFIX))
    .sort();
  for (const name of names) {
    const value = env[name];
    if (value === undefined) continue;
    const path = name.slice(OVERRIDE_PREFIX.length).split('__').filter(Boolean);
    if (path.length === 0 || target === null || typeof target !== 'object') continue;
    let node: Record<string, unknown> | unknown[] = target as Record<string, unknown>;
    let ok = true;
    for (let i = 0; i < path.length - 1 && ok; i++) {
      const key = path[i] ?? '';
      const next: unknown = Array.isArray(node) ? findInArray(node, key) : node[key];
      if (next === undefined || next === null) {
        const index = Array.isArray(node) ? arrayIndex(key) : undefined;
        if (Array.isArray(node) && index === undefined) {
          problems.push(`${name}: no element "${key}" at ${path.slice(0, i).join('.')}`);
          ok = false;
        } else {
          // The next key says what to create: an index makes an array (`GH__endpoints__0__…`).
          const created: Record<string, unknown> | unknown[] =
            arrayIndex(path[i + 1] ?? '') === undefined ? {} : [];
          if (Array.isArray(node)) node[index ?? 0] = created;
          else node[key] = created;
          node = created;
        }
      } else if (typeof next === 'object') {
        node = next as Record<string, unknown> | unknown[];
      } else {
        problems.push(`${name}: ${path.slice(0, i + 1).join('.')} is not an object`);
        ok = false;
      }
    }
    if (!ok) continue;
    const last = path[path.length - 1] ?? '';
    const parsed = parseValue(value);
    if (Array.isArray(node)) {
      const index = Number(last);
      if (Number.isInteger(index) && index >= 0) node[index] = parsed;
      else problems.push(`${name}: "${last}" is not an array index`);
    } else {
      node[last] = parsed;
    }
  }
}

function arrayIndex(key: string): number | undefined {
  return /^\d{1,4}$/.test(key) ? Number(key) : undefined;
}

function findInArray(arr: unknown[], key: string): unknown {
  const byId = arr.find((el) => el !== null && typeof el === 'object' && (el as { id?: unknown }).id === key);
  if (byId !== undefined) return byId;
  const index = Number(key);
  return Number.isInteger(index) ? arr[index] : undefined;
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
