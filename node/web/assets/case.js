// One case: what was reported, its due time in the office's zone (how late
// when overdue), its referrals, its steps and follow-up notes; and a new
// follow-up note.
'use strict';

(async () => {
  const session = await V.start('cases');
  if (!session) return;
  V.showFlash('message');
  const id = V.param('id');
  const form = document.getElementById('note-form');

  function fact(dl, label, value) {
    if (!value) return;
    dl.append(V.el('dt', label), V.el('dd', value));
  }

  function render(c) {
    V.setText('case-title', V.t('case.title') + ' ' + (c.number || V.t('cases.number_pending')));
    const due = document.getElementById('due');
    due.replaceChildren(V.el('span', c.status_label, 'badge case-' + c.status), V.el('span', ' '));
    if (!c.settled) {
      due.append(V.el('span', V.tf('cases.due', c.due_text)));
      if (c.overdue) due.append(V.el('strong', ' · ' + V.tf('cases.overdue', c.overdue_text), 'late'));
    }
    const dl = document.getElementById('facts');
    dl.replaceChildren();
    fact(dl, V.t('cases.category'), c.category_label);
    fact(dl, V.t('cases.urgency'), c.urgency_label);
    fact(dl, V.t('cases.person'), c.person_name);
    fact(dl, V.t('cases.description'), c.description);
    fact(dl, V.t('case.title'), V.tf('case.opened', c.opened_text + ' (' + c.opened_ago + ')'));
    if (c.facilitator) fact(dl, '', V.tf('case.facilitator', c.facilitator));
    if (c.resolution) fact(dl, '', V.tf('case.resolution', c.resolution));
    const refs = document.getElementById('referrals');
    refs.replaceChildren();
    for (const r of c.referrals) {
      const li = V.el('li', r.at_text + ' · ' + r.partner_label + (r.partner_name ? ' ' + r.partner_name : '') +
                            (r.note ? ': ' + r.note : ''));
      li.append(V.el('div', r.outcome || V.t('case.outcome_waiting'), 'muted'));
      refs.append(li);
    }
    document.getElementById('referrals-card').hidden = c.referrals.length === 0;
    const tbody = document.querySelector('#history tbody');
    tbody.replaceChildren();
    for (const e of c.history) {
      const what = [e.facilitator, e.partner_label, e.partner_name, e.note, e.outcome].filter((x) => x).join('; ');
      const tr = V.el('tr', null, 'step-' + e.kind);
      tr.append(V.el('td', e.at_text, 'nowrap'), V.el('td', e.label), V.el('td', what), V.el('td', e.who, 'muted'));
      tbody.append(tr);
    }
    document.getElementById('no-history').hidden = c.history.length > 0;
    document.getElementById('history').hidden = c.history.length === 0;
    form.hidden = !c.may_note;
    document.getElementById('closed').hidden = c.status !== 'closed';
  }

  const r = await V.api('GET', '/api/v1/cases/' + encodeURIComponent(id));
  if (!r.ok) {
    V.showMessage('message', V.errorText(r), 'error');
    return;
  }
  render(r.data);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    V.clearErrors(form);
    V.showMessage('message', '');
    const save = document.getElementById('save-note');
    save.disabled = true;
    const reply = await V.api('POST', '/api/v1/cases/' + encodeURIComponent(id) + '/notes', V.formValues(form));
    save.disabled = false;
    if (!reply.ok) {
      const err = reply.data && reply.data.error;
      if (!err || !V.fieldError(form, err.field, V.errorText(reply))) V.showMessage('message', V.errorText(reply), 'error');
      return;
    }
    document.getElementById('note').value = '';
    render(reply.data);
    V.showMessage('message', V.t('case.noted'), 'ok');
  });
})();
