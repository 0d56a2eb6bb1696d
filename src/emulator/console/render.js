// DOM builders for the console. Customer and agent text only ever goes in through textContent.
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function customerName(c) {
  return c.customer?.displayName ?? 'Customer';
}

/** Which Genesys surface the chat came through. */
export function kindBadge(c) {
  const om = c.kind === 'open-messaging';
  return el('span', `kind ${om ? 'kind-om' : 'kind-guest'}`, om ? 'Open Messaging' : 'Guest chat');
}

/** Routing data and custom attributes as a description list. */
export function routingList(dl, c) {
  dl.replaceChildren();
  const add = (term, value) => {
    const wrap = el('div', 'pair');
    wrap.append(el('dt', '', term), el('dd', '', value));
    dl.append(wrap);
  };
  add('Queue', c.queue);
  add('Language', c.routing.language ?? 'any');
  add('Skills', c.routing.skills.length ? c.routing.skills.join(', ') : 'none');
  add('Priority', String(c.routing.priority));
  for (const [key, value] of Object.entries(c.customer?.customFields ?? {})) add(key, value);
}

/**
 * `me`: the agent at this console. When routing would not offer them this chat (queue, skills,
 * language: the emulator lists who it would, `eligibleAgents`), the card says so and Accept becomes
 * "Accept anyway" — in Genesys the chat would go to someone else.
 */
export function waitingCard(c, onAccept, onDecline, me) {
  const li = el('li', 'card');
  li.dataset.conversationId = c.id;
  const title = el('h4', 'card-title', `${customerName(c)} `);
  title.append(kindBadge(c));
  const since = el('time', 'since', `waiting since ${timeFormat.format(new Date(c.createdAt))}`);
  since.dateTime = c.createdAt;
  const dl = el('dl', 'routing compact');
  routingList(dl, c);
  const eligible = !Array.isArray(c.eligibleAgents) || !me || c.eligibleAgents.includes(me);
  const accept = el('button', 'accept', eligible ? 'Accept' : 'Accept anyway');
  accept.type = 'button';
  accept.setAttribute('aria-label', `Accept chat with ${customerName(c)}`);
  accept.addEventListener('click', () => onAccept(c, accept));
  const decline = el('button', 'decline secondary', 'Decline');
  decline.type = 'button';
  decline.setAttribute('aria-label', `Decline chat with ${customerName(c)}`);
  decline.addEventListener('click', () => onDecline(c, decline));
  const buttons = el('div', 'card-actions');
  buttons.append(accept, decline);
  li.append(title, since, dl);
  if (!eligible) {
    const who = c.eligibleAgents.length
      ? `Routing would offer it to ${c.eligibleAgents.join(', ')}.`
      : 'No agent of this queue has them all.';
    const warning = el(
      'p',
      'routing-warning',
      `${me} lacks the language or skills this chat asks for. ${who}`,
    );
    warning.setAttribute('role', 'note');
    li.append(warning);
  }
  li.append(buttons);
  return li;
}

/** One transcript line. member-join / member-leave entries become notices. */
export function transcriptLine(message, conversation) {
  const member = conversation.members.find((m) => m.id === message.senderId);
  const role = message.senderRole ?? member?.role;
  const name =
    message.senderName ?? member?.displayName ?? (role === 'CUSTOMER' ? customerName(conversation) : 'Agent');
  const li = el('li', `line line-${String(role ?? 'system').toLowerCase()}`);
  li.dataset.id = message.id;
  if (message.bodyType === 'member-join' || message.bodyType === 'member-leave') {
    li.classList.add('line-notice');
    li.append(el('p', 'notice-text', `${name} ${message.bodyType === 'member-join' ? 'joined' : 'left'}`));
    return li;
  }
  const meta = el('p', 'meta');
  meta.append(el('span', 'who', name));
  const time = el('time', 'when', timeFormat.format(new Date(message.timestamp)));
  time.dateTime = message.timestamp;
  meta.append(time);
  if (role === 'WORKFLOW') meta.append(el('span', 'bot-tag', 'flow'));
  li.append(meta);
  if (message.body !== '') li.append(el('p', 'text', message.body));
  for (const attachment of message.attachments ?? []) li.append(attachmentView(attachment));
  if (message.delivery) {
    const failed = message.delivery.status === 'Failed';
    const reason = failed ? message.delivery.reasons?.[0]?.message : undefined;
    li.append(
      el(
        'p',
        `delivery ${failed ? 'delivery-failed' : ''}`,
        failed ? `Not delivered${reason ? `: ${reason}` : ''}` : 'Delivered',
      ),
    );
  }
  if (message.bodyType === 'notice') li.classList.add('line-agent-notice');
  return li;
}

/** A file on a message: images as a small preview, anything else as a link (Open Messaging only). */
export function attachmentView(attachment) {
  const name = attachment.filename ?? attachment.url;
  const link = el('a', 'attachment');
  link.href = attachment.url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  if (attachment.mediaType === 'Image') {
    const img = el('img', 'attachment-image');
    img.src = attachment.url;
    img.alt = name;
    link.append(img);
  } else {
    link.textContent = `File: ${name}`;
  }
  return link;
}
