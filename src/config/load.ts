// Loads the configuration: a JSON or YAML file, `${VAR}` references resolved from the environment
// (so secrets need not live in files), then `GH__a__b=value` environment overrides, then zod.
// Every problem is collected and reported at once — never one at a time.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, crossCheck, type GatewayConfig } from './schema.ts';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const OVERRIDE_PREFIX = 'GH__';

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
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
  return parseConfig(raw, env);
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  const substituted = substituteEnv(raw, env, problems, '');
  applyOverrides(substituted, env, problems);
  const result = configSchema.safeParse(substituted);
  problems.push(...crossCheck(substituted));
  if (!result.success) {
    for (const issue of result.error.issues)
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
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
 * endpoint whose id is "support" (arrays of objects are addressed by `id`, or by index). Values are
 * parsed as JSON when they parse (numbers, booleans, arrays), else taken as strings.
 */
function applyOverrides(target: unknown, env: NodeJS.ProcessEnv, problems: string[]): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(OVERRIDE_PREFIX) || value === undefined) continue;
    const path = name.slice(OVERRIDE_PREFIX.length).split('__').filter(Boolean);
    if (path.length === 0 || target === null || typeof target !== 'object') continue;
    let node: Record<string, unknown> | unknown[] = target as Record<string, unknown>;
    let ok = true;
    for (let i = 0; i < path.length - 1 && ok; i++) {
      const key = path[i] ?? '';
      const next: unknown = Array.isArray(node) ? findInArray(node, key) : node[key];
      if (next === undefined || next === null) {
        if (Array.isArray(node)) {
          problems.push(`${name}: no element "${key}" at ${path.slice(0, i).join('.')}`);
          ok = false;
        } else {
          const created: Record<string, unknown> = {};
          node[key] = created;
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
