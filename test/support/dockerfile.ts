// What a Dockerfile says about the final image (the last stage): base, ENV, USER, VOLUME, ENTRYPOINT,
// CMD, HEALTHCHECK. Enough of the syntax for this project's Dockerfile — line continuations, JSON
// (exec) forms, `ENV a=b c=d` — to run the image's command as a plain process in tests.
export interface ImageSpec {
  readonly stages: number;
  readonly from: string;
  readonly env: Record<string, string>;
  readonly user: string | undefined;
  readonly volumes: string[];
  readonly entrypoint: string[];
  readonly cmd: string[];
  readonly healthcheck: string[];
}

export function dockerfile(text: string): ImageSpec {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let stages = 0;
  let spec: Omit<ImageSpec, 'stages'> = fresh('');
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'FROM':
        stages++;
        spec = fresh(rest[0] ?? '');
        break;
      case 'ENV':
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g))
          spec.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'USER':
        spec = { ...spec, user: args };
        break;
      case 'VOLUME':
        spec.volumes.push(...(JSON.parse(args) as string[]));
        break;
      case 'ENTRYPOINT':
        spec = { ...spec, entrypoint: JSON.parse(args) as string[] };
        break;
      case 'CMD':
        spec = { ...spec, cmd: JSON.parse(args) as string[] };
        break;
      case 'HEALTHCHECK':
        spec = { ...spec, healthcheck: JSON.parse(args.slice(args.indexOf('CMD') + 3).trim()) as string[] };
        break;
      default:
        break;
    }
  }
  return { stages, ...spec };
}

function fresh(from: string): Omit<ImageSpec, 'stages'> {
  return { from, env: {}, user: undefined, volumes: [], entrypoint: [], cmd: [], healthcheck: [] };
}
