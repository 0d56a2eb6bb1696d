// DOM builders. Every text from the bot, the agent or the customer goes in through textContent —
// never innerHTML — so nobody's message can inject markup. Links and image sources are http(s) only.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function avatar(agent) {
  if (agent?.avatarUrl) {
    const img = el('img', 'avatar');
    img.src = agent.avatarUrl;
    img.alt = '';
    img.width = 32;
    img.height = 32;
    return img;
  }
  const initials = (agent?.name ?? 'Bot')
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const span = el('span', 'avatar avatar-initials', initials);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

const WHO = { customer: 'You', bot: 'Demo bot' };

/** One timeline line: a message bubble (customer / bot / agent) or a centred notice. */
export function timelineItem(item) {
  const li = el('li', `item item-${item.kind}`);
  li.dataset.id = item.id;
  li.dataset.kind = item.kind;
  if (item.kind === 'notice') {
    li.append(el('p', 'notice-text', item.text));
    return li;
  }
  const who = item.kind === 'agent' ? (item.agent?.name ?? 'Agent') : WHO[item.kind];
  if (item.kind !== 'customer') li.append(item.kind === 'agent' ? avatar(item.agent) : botAvatar());
  const bubble = el('div', 'bubble');
  const meta = el('p', 'meta');
  meta.append(el('span', 'who', who));
  const time = el('time', 'when', timeFormat.format(new Date(item.at)));
  time.dateTime = item.at;
  meta.append(time);
  bubble.append(meta);
  // An agent may send only files: no empty text paragraph then.
  if (item.text !== '') bubble.append(el('p', 'text', item.text));
  if (item.attachments?.length) bubble.append(fileList(item.attachments));
  li.append(bubble);
  return li;
}

/**
 * An agent's files: images as a thumbnail, the rest as a named link. The URLs come from outside (the
 * bot server keeps only http(s) ones, and the page checks again): never a script or data URL, and a
 * new tab without a handle back to this page.
 */
function fileList(attachments) {
  const list = el('ul', 'files');
  for (const file of attachments) {
    const href = httpHref(file.url);
    if (!href) continue;
    const link = el('a', `file file-${file.mediaType}`);
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    if (file.mediaType === 'image') {
      const img = el('img', 'file-thumb');
      img.src = href;
      img.alt = file.name;
      img.loading = 'lazy';
      link.append(img);
    } else {
      link.append(el('span', 'file-name', file.name));
    }
    link.append(el('span', 'visually-hidden', ' (opens in a new tab)'));
    const entry = el('li');
    entry.append(link);
    const about = fileFacts(file);
    if (about) entry.append(el('span', 'file-facts', about));
    list.append(entry);
  }
  return list;
}

/** "video · 3.2 MB": what kind and how big, when known (a link has neither). */
function fileFacts(file) {
  const facts = [];
  if (file.mediaType === 'video' || file.mediaType === 'audio') facts.push(file.mediaType);
  if (Number.isFinite(file.sizeBytes)) facts.push(formatSize(file.sizeBytes));
  return facts.join(' · ');
}

function httpHref(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function botAvatar() {
  const img = el('img', 'avatar avatar-bot');
  img.src = '/bot.svg';
  img.alt = '';
  img.width = 32;
  img.height = 32;
  return img;
}

/** The status line above the messages. */
export function renderStatus(container, status) {
  container.dataset.mode = status.mode;
  container.replaceChildren();
  switch (status.mode) {
    case 'bot':
      container.append(botAvatar(), el('span', 'status-text', 'You are chatting with the demo bot'));
      return;
    case 'connecting':
      container.append(el('span', 'spinner'), el('span', 'status-text', 'Connecting you to an agent…'));
      return;
    case 'queued':
      container.append(el('span', 'spinner'), el('span', 'status-text', `Waiting in queue: ${status.queue}`));
      return;
    case 'transferring':
      container.append(
        el('span', 'spinner'),
        el(
          'span',
          'status-text',
          status.agent ? `Transferring you to ${status.agent.name}…` : 'Transferring you…',
        ),
      );
      return;
    case 'agent': {
      const who = el('span', 'status-text');
      who.append(el('strong', 'agent-name', status.agent.name), el('span', 'role', ' · Agent'));
      container.append(avatar(status.agent), who);
      return;
    }
  }
}
