// DOM builders. Every text from the bot, the agent or the customer goes in through textContent —
// never innerHTML — so nobody's message can inject markup.

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
  bubble.append(meta, el('p', 'text', item.text));
  li.append(bubble);
  return li;
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
