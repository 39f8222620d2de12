// One case: status, due time (office zone), what was reported, referrals,
// history with people and times, and the steps the signed-in role may take
// now, each with its fields and a confirmation. A step carries the head of
// the case as shown (expected_head): if someone else recorded a step
// meanwhile, the hub refuses it and the page says so and shows the case
// as it is now.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const params = new URLSearchParams(location.search);
  const id = params.get('id') || '';
  const base = '/api/v1/cases/' + encodeURIComponent(id);
  const byId = (x) => document.getElementById(x);
  let kase = null;
  let current = '';

  // The fields each step needs (see docs/API.md); note's label per step.
  const kFields = {
    assigned: ['facilitator', 'note'],
    referred: ['partner', 'partner_name', 'note'],
    started: ['note'],
    noted: ['note'],
    referral_outcome: ['outcome'],
    resolved: ['note'],
    reopened: ['note'],
    closed: ['note'],
  };
  const kNoteLabel = { resolved: 'case.resolution', reopened: 'case.reason' };

  function row(cells) {
    const tr = S.el('tr');
    for (const c of cells) tr.append(typeof c === 'object' ? c : S.el('td', c));
    return tr;
  }

  function render() {
    const c = kase.case;
    const label = c.number || S.t('cases.number_pending');
    document.title = label + ' · Simpul';
    S.setText('case-title', S.tf('case.title', label));
    S.setText('case-status', c.status_label);
    byId('case-status').className = 'badge case-' + c.status;
    byId('case-overdue').hidden = !c.overdue;
    S.setText('case-overdue', c.overdue ? S.t('cases.overdue') + ' · ' + S.tf('cases.overdue_by', c.overdue_text) : '');
    S.setText('case-village', c.village_name ? c.village_name + ' (' + c.village + ')' : c.village);
    S.setText('case-category', c.category_label);
    S.setText('case-urgency', c.urgency_label);
    S.setText('case-opened', c.opened_text + (c.opened_ago ? ' (' + c.opened_ago + ')' : ''));
    S.setText('case-due', c.due_text);
    S.setText('case-facilitator', c.facilitator);
    S.setText('case-description', c.description);
    S.setText('case-resolution', c.resolution);
    const an = byId('anomalies');
    an.replaceChildren(...kase.anomalies.map((a) => S.el('li', S.tf('case.attention', a))));
    an.hidden = kase.anomalies.length === 0;
    byId('referrals').querySelector('tbody').replaceChildren(...kase.referrals.map((r) =>
      row([r.at_text, r.partner_label + (r.partner_name ? ' · ' + r.partner_name : ''), r.note,
           r.outcome || S.t('case.waiting')])));
    byId('no-referrals').hidden = kase.referrals.length > 0;
    byId('history').querySelector('tbody').replaceChildren(...kase.history.map((e) => {
      const details = [e.facilitator, [e.partner_label, e.partner_name].filter(Boolean).join(' · '), e.note, e.outcome];
      return row([e.at_text, e.label, e.who, details.filter(Boolean).join('; ')]);
    }));
    byId('no-history').hidden = kase.history.length > 0;
    renderSteps();
  }

  function renderSteps() {
    const buttons = kase.steps.map((s) => {
      const b = S.el('button', S.t('step.' + s));
      b.type = 'button';
      b.id = 'step-' + s;
      b.addEventListener('click', () => openForm(s));
      return b;
    });
    byId('step-buttons').replaceChildren(...buttons);
    byId('no-steps').hidden = kase.steps.length > 0;
    byId('step-form').hidden = true;
  }

  function openForm(step) {
    current = step;
    S.setText('step-title', S.t('step.' + step));
    S.setText('step-submit', S.t('step.' + step));
    for (const f of ['facilitator', 'partner', 'partner_name', 'outcome', 'note']) {
      byId('f-' + f).hidden = !kFields[step].includes(f);
      const input = byId('in-' + f);
      if (input.tagName !== 'SELECT') input.value = '';
    }
    S.setText('note-label', S.t(kNoteLabel[step] || 'case.note'));
    S.showMessage('step-message', '');
    byId('step-form').hidden = false;
    byId('in-' + kFields[step][0]).focus();
  }

  function confirmStep(text) {
    const dlg = byId('confirm');
    S.setText('confirm-text', text);
    return new Promise((resolve) => {
      dlg.addEventListener('close', () => resolve(dlg.returnValue === 'yes'), { once: true });
      dlg.showModal();
    });
  }

  byId('step-cancel').addEventListener('click', () => { byId('step-form').hidden = true; });
  byId('step-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const step = current;
    const body = { expected_head: kase.case.head };
    for (const f of kFields[step]) body[f] = byId('in-' + f).value.trim();
    const label = kase.case.number || S.t('cases.number_pending');
    if (!(await confirmStep(S.tf('case.confirm', S.t('step.' + step), label)))) return;
    byId('step-submit').disabled = true;
    const r = await S.api('POST', base + '/steps/' + encodeURIComponent(step), body);
    byId('step-submit').disabled = false;
    if (r.status === 409 && r.data && r.data.error && r.data.error.code === 'aborted') {
      S.showMessage('message', S.errorText(r), 'warn');
      await load();
      return;
    }
    if (!r.ok) {
      S.showMessage('step-message', S.errorText(r), 'error');
      return;
    }
    kase = r.data;
    render();
    S.showMessage('message', S.tf('case.done', S.t('step.' + step)), 'ok');
  });

  async function load() {
    const r = await S.api('GET', base);
    if (!r.ok) {
      S.showMessage('message', S.errorText(r), 'error');
      byId('steps').hidden = true;
      return false;
    }
    kase = r.data;
    render();
    return true;
  }

  const loaded = await load();
  for (const p of loaded ? kase.partners : []) {
    const o = S.el('option', p.label);
    o.value = p.code;
    byId('in-partner').append(o);
  }
  if (loaded && params.get('opened') === '1')
    S.showMessage('message', S.tf('cases.opened_msg', kase.case.number || S.t('cases.number_pending')), 'ok');
})();
