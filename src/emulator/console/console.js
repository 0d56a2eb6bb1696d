// The agent console: waiting chats per queue (guest chats and Open Messaging alike, with routing
// data and custom attributes), accept or decline, chat with typing both ways, files (Open Messaging),
// transfer, end. Each browser tab is one agent (picked at the top).
// Live updates come from the emulator's agent feed (GET /emulator/v1/events, Server-Sent Events);
// on every (re)connect the console reloads the list, so a dropped feed loses nothing.
import { agentApi } from './api.js';
import { customerName, el, kindBadge, routingList, transcriptLine, waitingCard } from './render.js';

const $ = (id) => document.getElementById(id);
const TYPING_SHOWN_MS = 4000; // protocol guidance: a typing hint lasts ~4 s or until the message
const TYPING_PULSE_MS = 2500; // at most one agent typing pulse per 2.5 s

const state = {
  me: '',
  /** queue name → agent names */
  queueAgents: new Map(),
  conversations: new Map(),
  selectedId: undefined,
  /** message ids shown in the open transcript */
  shown: new Set(),
  lastTypingSent: 0,
  typingTimer: undefined,
};

const chatPane = $('chat');
const noSelection = $('no-selection');
const transcript = $('transcript');
const replyInput = $('reply-text');
const typingBox = $('customer-typing');

function connectedAgent(c) {
  return c.members.find((m) => m.role === 'AGENT' && m.state === 'CONNECTED');
}
function lastAgent(c) {
  return c.members.filter((m) => m.role === 'AGENT').at(-1);
}
function isMine(c) {
  return connectedAgent(c)?.displayName === state.me;
}
/** I had this chat and transferred it (derived from the members, so event order does not matter). */
function handedOver(c) {
  return c.members.some(
    (m) => m.role === 'AGENT' && m.state === 'DISCONNECTED' && m.displayName === state.me,
  );
}
function listedAsMine(c) {
  return isMine(c) || (c.state === 'ended' && lastAgent(c)?.displayName === state.me);
}

// ---- lists -----------------------------------------------------------------------------------

function renderLists() {
  const queues = $('queues');
  queues.replaceChildren();
  const all = [...state.conversations.values()];
  for (const [queue] of state.queueAgents) {
    const waiting = all
      .filter((c) => c.queue === queue && c.state === 'queued')
      .sort((a, b) => b.routing.priority - a.routing.priority || a.createdAt.localeCompare(b.createdAt));
    const section = el('section', 'queue');
    section.dataset.queue = queue;
    const heading = el('h3', 'queue-name', `${queue} `);
    heading.append(el('span', 'count', `(${waiting.length})`));
    section.append(heading);
    if (waiting.length === 0) section.append(el('p', 'empty', 'No chats waiting.'));
    else {
      const ul = el('ul', 'cards');
      for (const c of waiting) ul.append(waitingCard(c, accept, decline, state.me));
      section.append(ul);
    }
    queues.append(section);
  }
  const mine = $('my-chats');
  mine.replaceChildren();
  const my = all.filter(listedAsMine).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const c of my) {
    const li = el('li');
    const button = el('button', 'chat-link');
    button.type = 'button';
    button.dataset.conversationId = c.id;
    button.append(
      el('span', 'name', customerName(c)),
      el('span', 'badge', c.state === 'ended' ? 'ended' : 'active'),
    );
    if (c.id === state.selectedId) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => void select(c.id, { focus: 'reply' }));
    li.append(button);
    mine.append(li);
  }
  $('no-chats').hidden = my.length > 0;
}

async function accept(c, button) {
  button.disabled = true;
  try {
    await agentApi.join(c.id, state.me);
    const fresh = await agentApi.conversation(c.id);
    state.conversations.set(c.id, fresh);
    await select(c.id, { focus: 'reply' });
  } catch (err) {
    button.disabled = false;
    announce(`Could not accept: ${err.message}`);
  }
}

/** Offered and declined: the chat goes back to the queue (for Open Messaging, Genesys still says user.end). */
async function decline(c, button) {
  button.disabled = true;
  try {
    await agentApi.decline(c.id, state.me);
    announce(`Declined the chat with ${customerName(c)}; it is back in the queue.`);
  } catch (err) {
    announce(`Could not decline: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---- the open chat -------------------------------------------------------------------------

async function select(id, { focus } = {}) {
  state.selectedId = id;
  state.shown.clear();
  transcript.replaceChildren();
  hideTyping();
  const detail = await agentApi.conversation(id);
  state.conversations.set(id, detail);
  for (const m of detail.messages) appendLine(m, detail);
  renderChat();
  renderLists();
  if (focus === 'reply' && !replyInput.disabled) replyInput.focus();
  else $('chat-title').focus();
}

function appendLine(message, conversation) {
  if (state.shown.has(message.id)) return;
  state.shown.add(message.id);
  transcript.append(transcriptLine(message, conversation));
  transcript.scrollTop = transcript.scrollHeight;
}

function renderChat() {
  const c = state.conversations.get(state.selectedId);
  chatPane.hidden = !c;
  noSelection.hidden = Boolean(c);
  if (!c) return;
  $('chat-title').textContent = customerName(c);
  $('chat-kind').replaceChildren(kindBadge(c));
  routingList($('chat-routing'), c);
  const mine = isMine(c);
  const agent = connectedAgent(c);
  $('chat-state').textContent =
    c.state === 'ended'
      ? 'This chat has ended.'
      : mine
        ? 'You are connected.'
        : agent && handedOver(c)
          ? `Transferred to ${agent.displayName}.`
          : agent
            ? `Handled by ${agent.displayName}.`
            : c.state === 'queued'
              ? 'Waiting in the queue.'
              : c.state;
  replyInput.disabled = !mine;
  $('reply').querySelector('button').disabled = !mine;
  $('end-chat').disabled = !mine;
  // Files exist only on Open Messaging (guest chats carry text).
  $('attach').hidden = !(mine && c.kind === 'open-messaging');
  const select = $('transfer-to');
  const previous = select.value;
  select.replaceChildren(new Option('Any available agent', ''));
  for (const name of state.queueAgents.get(c.queue) ?? [])
    if (name !== state.me) select.append(new Option(name, name));
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  select.disabled = !mine;
  $('transfer').querySelector('button').disabled = !mine;
}

function showTyping(name) {
  typingBox.textContent = `${name} is typing…`;
  typingBox.hidden = false;
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
}
function hideTyping() {
  clearTimeout(state.typingTimer);
  typingBox.hidden = true;
  typingBox.textContent = '';
}

function announce(text) {
  $('chat-state').textContent = text;
}

$('reply').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = state.selectedId;
  const text = replyInput.value.trim();
  if (!id || !text) return;
  replyInput.value = '';
  replyInput.focus();
  state.lastTypingSent = 0; // the next keystroke starts a new typing burst
  try {
    const { message } = await agentApi.send(id, text);
    const c = state.conversations.get(id);
    if (c && state.selectedId === id)
      appendLine({ ...message, senderName: state.me, senderRole: 'AGENT' }, c);
  } catch (err) {
    announce(`Not sent: ${err.message}`);
  }
});

$('attach-file').addEventListener('change', async (e) => {
  const input = e.target;
  const file = input.files?.[0];
  const id = state.selectedId;
  if (!file || !id) return;
  try {
    const contentBase64 = await readBase64(file);
    const { message } = await agentApi.attach(id, {
      filename: file.name,
      mime: file.type || 'application/octet-stream',
      contentBase64,
    });
    const c = state.conversations.get(id);
    if (c && state.selectedId === id)
      appendLine({ ...message, senderName: state.me, senderRole: 'AGENT' }, c);
  } catch (err) {
    announce(`File not sent: ${err.message}`);
  } finally {
    input.value = '';
  }
});

/** The file's bytes as base64 (the data: URL without its prefix). */
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

replyInput.addEventListener('input', () => {
  const id = state.selectedId;
  const now = Date.now();
  if (!id || replyInput.value === '' || now - state.lastTypingSent < TYPING_PULSE_MS) return;
  state.lastTypingSent = now;
  agentApi.typing(id).catch(() => undefined); // a lost typing hint is harmless
});

$('transfer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = state.selectedId;
  if (!id) return;
  try {
    const result = await agentApi.transfer(id, $('transfer-to').value || undefined);
    state.conversations.set(id, { ...state.conversations.get(id), ...result.conversation });
    renderChat(); // says "Transferred to …"
    renderLists();
    $('chat-title').focus();
  } catch (err) {
    announce(`Transfer failed: ${err.message}`);
  }
});

$('end-chat').addEventListener('click', async () => {
  const id = state.selectedId;
  if (!id) return;
  try {
    const result = await agentApi.leave(id);
    state.conversations.set(id, { ...state.conversations.get(id), ...result.conversation });
    renderChat();
    renderLists();
    $('chat-title').focus();
  } catch (err) {
    announce(`Could not end: ${err.message}`);
  }
});

// ---- live feed -------------------------------------------------------------------------------

async function resync() {
  const list = await agentApi.conversations();
  state.conversations = new Map(list.entities.map((c) => [c.id, c]));
  renderLists();
  if (state.selectedId) {
    const detail = await agentApi.conversation(state.selectedId);
    state.conversations.set(detail.id, detail);
    for (const m of detail.messages) appendLine(m, detail);
    renderChat();
  }
}

function connectFeed() {
  const feed = agentApi.feed();
  const feedState = $('feed-state');
  feed.addEventListener('open', () => {
    feedState.textContent = 'Live';
    feedState.dataset.state = 'live';
    resync().catch((err) => (feedState.textContent = `Reload failed: ${err.message}`));
  });
  feed.addEventListener('error', () => {
    feedState.textContent = 'Reconnecting…';
    feedState.dataset.state = 'down';
  });
  feed.addEventListener('conversation', (e) => {
    const { conversation } = JSON.parse(e.data);
    const known = state.conversations.get(conversation.id);
    // Keep the messages of a loaded detail; the summary replaces everything else.
    state.conversations.set(conversation.id, known?.messages ? { ...known, ...conversation } : conversation);
    renderLists();
    if (conversation.id === state.selectedId) renderChat();
  });
  feed.addEventListener('message', (e) => {
    const { conversationId, message } = JSON.parse(e.data);
    if (conversationId !== state.selectedId) return;
    const c = state.conversations.get(conversationId);
    if (!c) return;
    if (message.senderRole === 'CUSTOMER') hideTyping();
    appendLine(message, c);
  });
  feed.addEventListener('typing', (e) => {
    const { conversationId, typing } = JSON.parse(e.data);
    if (conversationId !== state.selectedId || typing.senderRole !== 'CUSTOMER') return;
    showTyping(typing.senderName ?? 'The customer');
  });
}

// ---- start -----------------------------------------------------------------------------------

async function start() {
  const { entities } = await agentApi.queues();
  const names = [];
  for (const q of entities) {
    state.queueAgents.set(
      q.name,
      q.agents.map((a) => a.name),
    );
    for (const a of q.agents) if (!names.includes(a.name)) names.push(a.name);
  }
  const picker = $('agent-name');
  for (const name of names) picker.append(new Option(name, name));
  // Per tab (sessionStorage): two tabs can be two different agents.
  const remembered = sessionStorage.getItem('agent-name');
  picker.value = remembered && names.includes(remembered) ? remembered : (names[0] ?? '');
  state.me = picker.value;
  document.title = `${state.me} · Agent console`;
  picker.addEventListener('change', () => {
    state.me = picker.value;
    sessionStorage.setItem('agent-name', state.me);
    document.title = `${state.me} · Agent console`;
    renderLists();
    renderChat();
  });
  renderChat();
  connectFeed();
}

start().catch((err) => {
  $('feed-state').textContent = `Could not start: ${err.message}`;
});
