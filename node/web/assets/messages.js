// The Messages page: each text for a resident's phone with its click-to-chat
// link; "mark as sent" records it (it is then never sent again, here or by
// the Dinsos gateway).
'use strict';

(async () => {
  if (!(await V.start('messages'))) return;
  const showAll = document.getElementById('show-all');

  function row(m) {
    const tr = V.el('tr');
    tr.dataset.event = m.event_id;
    const who = V.el('td');
    who.append(V.el('strong', m.name), V.el('br'), V.el('span', m.phone || '-', 'muted small'));
    const text = V.el('td');
    text.append(V.el('span', m.when, 'muted small'), V.el('br'), V.el('span', m.text, 'message-text'));
    const state = V.el('td', V.t('messages.state.' + m.state), 'state-' + m.state);
    if (m.state === 'sent') {
      state.append(V.el('br'), V.el('span', V.tf('messages.sent_by', m.sent_when, m.sent_by), 'muted small'));
    }
    const actions = V.el('td', null, 'no-print');
    if (m.state === 'pending') {
      const chat = V.link(m.link, V.t('messages.open_chat'), 'button');
      chat.target = '_blank';
      chat.rel = 'noopener noreferrer';
      const mark = V.el('button', V.t('messages.mark_sent'));
      mark.type = 'button';
      mark.className = 'mark-sent';
      mark.disabled = !V.session().may.record;
      mark.addEventListener('click', async () => {
        mark.disabled = true;
        const r = await V.api('POST', '/api/v1/messages/' + encodeURIComponent(m.event_id) + '/sent');
        if (!r.ok) {
          V.showMessage('message', V.errorText(r), 'error');
          mark.disabled = false;
          return;
        }
        V.showMessage('message', V.t('messages.marked'), 'ok');
        load();
      });
      actions.append(chat, ' ', mark);
    }
    tr.append(who, text, state, actions);
    return tr;
  }

  async function load() {
    const r = await V.api('GET', '/api/v1/messages' + (showAll.checked ? '?all=1' : ''));
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    const tbody = document.querySelector('#messages tbody');
    tbody.replaceChildren(...r.data.messages.map(row));
    document.getElementById('no-messages').hidden = r.data.messages.length > 0;
    document.getElementById('messages').hidden = r.data.messages.length === 0;
  }

  showAll.addEventListener('change', load);
  load();
})();
