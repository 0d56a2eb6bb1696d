// The customer web chat. It talks only to its bot server (api.js); the server relays to the gateway.
// Live updates come as Server-Sent Events: the page renders timeline items by id, so a reload or a
// reconnect (which replays items) never shows a line twice.
import { api } from './api.js';
import { renderStatus, timelineItem } from './render.js';
import { initSettings } from './settings.js';

const $ = (id) => document.getElementById(id);
const timeline = $('timeline');
const statusBox = $('status');
const typingBox = $('typing');
const composer = $('composer');
const input = $('message');
const handoverButton = $('handover');
const endButton = $('end-handover');

const shown = new Set();
let mode = 'bot';
let settings;
let typingTimer;
let lastTypingSent = 0;

/** While a handover is on, the customer's keystrokes become typing pulses (at most one per 2.5 s). */
const TYPING_PULSE_MS = 2500;
const HANDOVER_MODES = new Set(['connecting', 'queued', 'agent', 'transferring']);

function addItem(item) {
  if (shown.has(item.id)) return;
  shown.add(item.id);
  const li = timelineItem(item);
  timeline.append(li);
  if (item.kind === 'agent') hideTyping();
  timeline.scrollTop = timeline.scrollHeight;
  // A thumbnail grows the line once loaded: keep the newest line in view.
  for (const img of li.querySelectorAll('img.file-thumb'))
    img.addEventListener(
      'load',
      () => {
        if (timeline.lastElementChild === li) timeline.scrollTop = timeline.scrollHeight;
      },
      { once: true },
    );
}

function showTyping({ agent, expiresInMs }) {
  typingBox.textContent = `${agent.name} is typing…`;
  typingBox.hidden = false;
  clearTimeout(typingTimer);
  // Genesys guidance: show it ~4 s, or until the agent's message arrives.
  typingTimer = setTimeout(hideTyping, expiresInMs);
}

function hideTyping() {
  clearTimeout(typingTimer);
  typingBox.hidden = true;
  typingBox.textContent = '';
}

function applyStatus(status) {
  const wasHandover = HANDOVER_MODES.has(mode);
  mode = status.mode;
  renderStatus(statusBox, status);
  const inHandover = HANDOVER_MODES.has(mode);
  handoverButton.disabled = inHandover;
  settings?.lock(inHandover);
  const endHadFocus = document.activeElement === endButton;
  endButton.hidden = !inHandover;
  if (mode !== 'agent') hideTyping();
  // The end button disappears under the keyboard user's focus: hand focus back to the message box.
  if (wasHandover && !inHandover && endHadFocus) input.focus();
  timeline.setAttribute('aria-busy', 'false');
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('item', (e) => addItem(JSON.parse(e.data)));
  events.addEventListener('status', (e) => applyStatus(JSON.parse(e.data)));
  events.addEventListener('typing', (e) => showTyping(JSON.parse(e.data)));
  events.addEventListener('error', () => {
    // EventSource reconnects by itself (and resumes with Last-Event-ID); a closed stream means the
    // session is gone (server restarted): start a fresh one.
    if (events.readyState === EventSource.CLOSED) setTimeout(restart, 1000);
  });
}

function flash(message) {
  const li = document.createElement('li');
  li.className = 'item item-notice item-error';
  li.dataset.kind = 'error';
  const p = document.createElement('p');
  p.className = 'notice-text';
  p.textContent = message;
  li.append(p);
  timeline.append(li);
  timeline.scrollTop = timeline.scrollHeight;
}

composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  input.focus();
  lastTypingSent = 0; // the next keystroke starts a new typing burst
  api.send(text).catch((err) => flash(`Not sent: ${err.message}`));
});

input.addEventListener('input', () => {
  if (!HANDOVER_MODES.has(mode) || input.value === '') return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_PULSE_MS) return;
  lastTypingSent = now;
  api.typing().catch(() => undefined); // a lost typing hint is harmless
});

handoverButton.addEventListener('click', () => {
  input.focus();
  api.handover().catch((err) => flash(`Could not ask for an agent: ${err.message}`));
});

endButton.addEventListener('click', () => {
  api.endHandover().catch((err) => flash(`Could not end the chat: ${err.message}`));
});

async function start() {
  const session = await api.session();
  settings ??= initSettings(session.settings, session.endpoints, (value) => api.saveSettings(value));
  // A restarted bot server may offer other contact centers.
  settings.setEndpoints(session.endpoints);
  settings.load(session.settings);
  applyStatus(session.status);
  connect();
}

/** The bot server forgot this browser (it restarted): begin a new conversation on a clean page. */
function restart() {
  shown.clear();
  timeline.replaceChildren();
  start().catch((err) => flash(`Could not start the chat: ${err.message}`));
}

// On a phone the settings start folded, so the conversation is what you see first.
if (window.matchMedia('(max-width: 760px)').matches) $('settings-panel').open = false;

start().catch((err) => flash(`Could not start the chat: ${err.message}`));
