// The routing settings form: the contact center (which gateway endpoint the handover goes to),
// language, skills, priority and custom attributes (key/value rows). Every change is saved to the bot
// server, which uses the settings when it hands the chat over.
const $ = (id) => document.getElementById(id);

export function initSettings(initial, endpoints, save) {
  const form = $('settings');
  const list = $('attributes');
  const template = $('attribute-row');
  const state = $('settings-state');
  const endpoint = $('endpoint');
  const only = $('endpoint-only');
  const note = $('endpoint-note');
  /** The contact center the server has: a refused change puts the select back to it. */
  let savedEndpoint;

  /** With one contact center there is nothing to pick: its name is shown as text. */
  function setEndpoints(choices) {
    endpoint.replaceChildren(...choices.map(({ id, label }) => new Option(label, id)));
    const single = choices.length === 1;
    endpoint.hidden = single;
    only.hidden = !single;
    only.textContent = single ? choices[0].label : '';
  }

  /** During a handover the contact center is fixed (the server refuses a change too). */
  function lock(locked) {
    endpoint.disabled = locked;
    note.hidden = !locked || endpoint.hidden;
  }

  function addRow(key = '', value = '') {
    const row = template.content.firstElementChild.cloneNode(true);
    const n = list.children.length + 1;
    row.querySelector('.attr-key').value = key;
    row.querySelector('.attr-value').value = value;
    // Each row's controls get a distinct accessible name ("Attribute 2 name").
    row.querySelector('.attr-key').setAttribute('aria-label', `Attribute ${n} name`);
    row.querySelector('.attr-value').setAttribute('aria-label', `Attribute ${n} value`);
    row.querySelector('.remove').addEventListener('click', () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      // Focus stays in the list (or moves to "Add attribute") instead of falling to <body>.
      (next?.querySelector('.attr-key') ?? $('add-attribute')).focus();
      void submit();
    });
    list.append(row);
    return row;
  }

  function read() {
    const data = new FormData(form);
    const priority = String(data.get('priority') ?? '').trim();
    const customAttributes = [...list.querySelectorAll('.attribute')]
      .map((row) => ({
        key: row.querySelector('.attr-key').value.trim(),
        value: row.querySelector('.attr-value').value,
      }))
      .filter((r) => r.key !== '');
    const language = String(data.get('language') ?? '');
    return {
      // Read from the select itself: a disabled control is left out of FormData.
      endpoint: endpoint.value,
      displayName: String(data.get('displayName') ?? '').trim() || 'Web visitor',
      ...(language ? { language } : {}),
      skills: data.getAll('skills').map(String),
      ...(priority !== '' ? { priority: Number(priority) } : {}),
      customAttributes,
    };
  }

  function problem(value) {
    if (
      value.priority !== undefined &&
      (!Number.isInteger(value.priority) || value.priority < 0 || value.priority > 100)
    )
      return 'Priority must be a whole number from 0 to 100.';
    const keys = value.customAttributes.map((r) => r.key);
    if (new Set(keys).size !== keys.length) return 'Each custom attribute needs its own name.';
    return undefined;
  }

  async function submit() {
    const value = read();
    const error = problem(value);
    if (error) {
      state.textContent = error;
      state.dataset.state = 'error';
      return;
    }
    state.textContent = 'Saving…';
    state.dataset.state = 'saving';
    try {
      await save(value);
      savedEndpoint = value.endpoint;
      state.textContent = 'Settings saved.';
      state.dataset.state = 'saved';
    } catch (err) {
      if (err.code === 'handover_in_progress') endpoint.value = savedEndpoint;
      state.textContent = `Not saved: ${err.message}`;
      state.dataset.state = 'error';
    }
  }

  function load(value) {
    savedEndpoint = value.endpoint;
    endpoint.value = value.endpoint;
    form.elements.displayName.value = value.displayName;
    form.elements.language.value = value.language ?? '';
    for (const box of form.querySelectorAll('input[name="skills"]'))
      box.checked = value.skills.includes(box.value);
    form.elements.priority.value = value.priority ?? '';
    list.replaceChildren();
    for (const { key, value: v } of value.customAttributes) addRow(key, v);
  }

  form.addEventListener('change', () => void submit());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  $('add-attribute').addEventListener('click', () => addRow().querySelector('.attr-key').focus());
  setEndpoints(endpoints);
  load(initial);
  return { load, setEndpoints, lock };
}
