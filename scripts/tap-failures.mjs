// Reads node's TAP output line by line and remembers every failed test, so that `npm test` can name
// them again right before its closing `# tests`/`# pass`/`# fail` lines. A CI log that keeps only
// the end of a 1,000-test run then still says *which* test failed, where, and why — without this,
// the one `not ok` is buried thousands of lines up.
//
// Node's TAP reporter nests subtests by four spaces; a failure's details follow in a YAML block
// (`---` … `...`) holding `location`, `failureType` and `error`. A suite that failed only because a
// test inside it failed (`failureType: 'subtestsFailed'`) is not listed: its failing test is.

const MAX_ERROR_LINES = 8;

export class TapFailures {
  /** Names of the open `# Subtest:` headers, by depth. */
  #path = [];
  /** The failure whose YAML block is being read, if any. */
  #current;
  /** Whether the `error:` field of that block is being read. */
  #inError = false;
  /** Whether its `stack:` field is being read. */
  #inStack = false;
  failures = [];

  /** Feeds one line (without its newline). Returns true for the first line of the closing summary. */
  push(line) {
    const indent = line.length - line.trimStart().length;
    const text = line.trimStart();
    const depth = Math.floor(indent / 4);
    if (this.#current) {
      this.#readDetail(line, text, indent);
      return false;
    }
    const header = /^# Subtest: (.*)$/.exec(text);
    if (header) {
      this.#path.length = depth;
      this.#path[depth] = header[1];
      return false;
    }
    const failed = /^not ok \d+ - (.*?)(?: # .*)?$/.exec(text);
    if (failed) {
      const names = this.#path.slice(0, depth);
      names.push(failed[1]);
      this.#current = { name: names.join(' > '), location: '', failureType: '', error: [], indent };
      return false;
    }
    return indent === 0 && /^# tests \d+$/.test(text);
  }

  #readDetail(line, text, indent) {
    const current = this.#current;
    if (text === '...' && indent === current.indent + 2) {
      if (current.failureType !== 'subtestsFailed') {
        const location = current.stackLocation ?? current.location;
        this.failures.push({ name: current.name, location, error: current.error });
      }
      this.#current = undefined;
      this.#inError = false;
      this.#inStack = false;
      return;
    }
    const field = indent === current.indent + 2 ? /^([A-Za-z_]+):\s?(.*)$/.exec(text) : null;
    if (field) {
      this.#inError = field[1] === 'error';
      this.#inStack = false;
      if (field[1] === 'location') current.location = unquote(field[2]);
      else if (field[1] === 'failureType') current.failureType = unquote(field[2]);
      else if (field[1] === 'stack') this.#inStack = true;
      else if (this.#inError && field[2] && field[2] !== '|-' && field[2] !== '|')
        current.error.push(unquote(field[2]));
      return;
    }
    // The location of a TypeScript file may name its line 1 (the transpiled file); the stack's first
    // frame in that file has the line of the source.
    if (this.#inStack) {
      const file = current.location.replace(/:\d+:\d+$/, '');
      const frame = file ? text.match(/\(?([^\s()]+:\d+:\d+)\)?$/) : null;
      if (frame && frame[1].startsWith(`${file}:`) && !current.stackLocation)
        current.stackLocation = frame[1];
      return;
    }
    // A block scalar's lines sit four spaces deeper than the `not ok`; keep their own indentation.
    if (this.#inError && text && current.error.length < MAX_ERROR_LINES) {
      current.error.push(line.slice(current.indent + 4).trimEnd());
    }
  }

  /** The digest as TAP comment lines (empty when nothing failed). */
  digest(root = '') {
    if (this.failures.length === 0) return [];
    const lines = [`# failed tests (${this.failures.length}):`];
    for (const f of this.failures) {
      const where = root && f.location.startsWith(root) ? f.location.slice(root.length) : f.location;
      lines.push(`#   ${f.name}`);
      if (where) lines.push(`#     at ${where}`);
      for (const e of f.error) lines.push(`#     ${e}`);
    }
    return lines;
  }
}

function unquote(value) {
  const m = /^'(.*)'$/.exec(value);
  return m ? m[1].replace(/''/g, "'") : value;
}
