// An application: new (by type, with its answers), its page (status, reason,
// checklist, documents (assets/documents.js), history with times, letters to
// print), change while draft or returned, and submit.
'use strict';

(async () => {
  if (!(await V.start('board'))) return;
  V.showFlash('message');
  const formsReply = await V.api('GET', '/api/v1/forms');
  if (!formsReply.ok) {
    V.showMessage('message', V.errorText(formsReply), 'error');
    return;
  }
  const forms = formsReply.data;
  const form = document.getElementById('app-form');
  const typeSelect = document.getElementById('type');
  const id = V.param('id');
  let current = null;  // the application shown

  typeSelect.append(V.option('', V.t('app.choose')));
  for (const t of forms.types) typeSelect.append(V.option(t.code, t.label));
  const service = document.getElementById('service_type');
  service.append(V.option('', V.t('app.choose')));
  for (const s of forms.services) service.append(V.option(s.code, s.label));

  function needsOf(type) {
    const t = forms.types.find((x) => x.code === type);
    return t ? t.needs : {};
  }
  function showNeeds() {
    const n = needsOf(typeSelect.value);
    document.getElementById('service-row').hidden = !n.service;
    document.getElementById('device-row').hidden = !n.device;
  }
  typeSelect.addEventListener('change', showNeeds);

  // The indicator questions, each a select named ans.<item>.
  function renderItems(set, answers) {
    const items = document.getElementById('items');
    items.replaceChildren(V.el('p', set.title, 'muted small'));
    for (const item of set.items) {
      const label = V.el('label', null, 'item');
      label.append(V.el('span', item.text));
      const select = V.el('select');
      select.name = 'ans.' + item.code;
      select.id = 'ans-' + item.code;
      select.append(V.option('', V.t('app.choose')));
      for (const o of item.options) select.append(V.option(o.code, o.label));
      select.value = answers[item.code] || '';
      label.append(select);
      items.append(label);
    }
  }

  function decodeAnswers(text) {
    const out = {};
    for (const pair of (text || '').split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return out;
  }

  function showForm(app) {
    document.getElementById('view').hidden = true;
    form.hidden = false;
    V.clearErrors(form);
    typeSelect.disabled = !!app;
    if (app) {
      V.setText('title', V.tf('app.title_of', app.applicant ? app.applicant.name : ''));
      V.setText('applicant-line', app.type_label);
      typeSelect.value = app.type;
      for (const f of ['purpose', 'service_type', 'device_kind', 'notes']) form.elements[f].value = app[f] || '';
      renderItems(app.indicators || forms.indicators, decodeAnswers(app.indicator_answers));
    } else {
      renderItems(forms.indicators, {});
    }
    showNeeds();
    (app ? document.getElementById('purpose') : typeSelect).focus();
  }

  function row(dl, key, value) {
    if (!value) return;
    dl.append(V.el('dt', V.t(key)), V.el('dd', value));
  }

  function renderView(app) {
    current = app;
    form.hidden = true;
    document.getElementById('view').hidden = false;
    V.setText('title', V.tf('app.title_of', app.applicant ? app.applicant.name : ''));
    const status = document.getElementById('status');
    status.textContent = app.status_label;
    status.className = 'badge status-' + app.status;
    const when = app.history.length ? app.history[app.history.length - 1].when : app.created;
    V.setText('since', when ? V.tf('board.since', when) : '');
    const reason = document.getElementById('reason');
    // A letter's event carries its number, shown with the letter below: not a reason.
    const why = app.status === 'letter_issued' ? '' : app.reason;
    reason.hidden = !why;
    reason.textContent = why ? V.tf('app.reason_is', why) : '';
    const dl = document.getElementById('details');
    dl.replaceChildren();
    row(dl, 'app.type', app.type_label);
    row(dl, 'app.applicant', app.applicant ? app.applicant.name + (app.applicant.nik ? ' · NIK ' + app.applicant.nik : '') : '');
    if (app.dtks_text) row(dl, 'app.dtks', app.dtks_text);
    const svc = forms.services.find((s) => s.code === app.service_type);
    row(dl, 'app.service', svc ? svc.label : app.service_type);
    row(dl, 'app.purpose', app.purpose);
    row(dl, 'app.device', app.device_kind);
    row(dl, 'app.notes', app.notes);
    if (app.score_band) row(dl, 'app.indicators', V.tf('app.score', app.score, app.score_band_label));
    if (app.created) dl.append(V.el('dt', ''), V.el('dd', V.tf('app.created', app.created), 'muted'));
    const checklist = document.getElementById('checklist');
    checklist.hidden = !app.editable;
    const problems = document.getElementById('problems');
    problems.replaceChildren(...app.problems.map((p) => V.el('li', p)));
    document.getElementById('complete').hidden = app.problems.length > 0;
    const may = V.session().may.record;
    document.getElementById('edit').hidden = !(app.editable && may);
    const submit = document.getElementById('submit');
    submit.hidden = !(app.editable && may);
    submit.disabled = app.problems.length > 0;
    Documents.render(app, app.editable && may, async () => {
      await load(app.id);
      V.showFlash('message');
    });
    const letters = document.getElementById('letters');
    letters.replaceChildren();
    if (!app.letters.length) letters.append(V.el('p', V.t('app.no_letters'), 'muted'));
    for (const l of app.letters) {
      const p = V.el('p');
      p.append(V.el('strong', l.number), V.el('span', ' · ' + l.issued + ' '));
      if (l.pdf_here) {
        const a = V.link('/api/v1/applications/' + encodeURIComponent(app.id) + '/letter', V.t('app.print'), 'button primary');
        a.id = 'print-letter';
        a.target = '_blank';
        a.rel = 'noopener';
        p.append(a);
      } else {
        p.append(V.el('span', V.t('app.pdf_pending'), 'muted'));
      }
      if (l.revoked) p.append(V.el('span', ' ' + V.tf('app.revoked', l.revoke_reason), 'warn'));
      letters.append(p);
    }
    const tbody = document.querySelector('#history tbody');
    tbody.replaceChildren();
    for (const e of app.history) {
      const tr = V.el('tr');
      const what = V.el('td', e.label);
      if (e.reason) what.append(V.el('div', V.tf('app.reason_is', e.reason), 'muted small'));
      tr.append(V.el('td', e.when), what, V.el('td', e.by));
      tbody.append(tr);
    }
  }

  async function load(appId) {
    const r = await V.api('GET', '/api/v1/applications/' + encodeURIComponent(appId));
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    renderView(r.data);
  }

  document.getElementById('edit').addEventListener('click', () => showForm(current));
  document.getElementById('cancel').addEventListener('click', () => {
    if (current) renderView(current);
    else history.back();
  });
  document.getElementById('submit').addEventListener('click', async () => {
    const r = await V.api('POST', '/api/v1/applications/' + encodeURIComponent(current.id) + '/submit');
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    V.showMessage('message', V.t('app.submitted'), 'ok');
    await load(current.id);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    V.clearErrors(form);
    V.showMessage('message', '');
    const values = V.formValues(form);
    let r;
    if (current) {
      delete values.type;
      // What the page showed: the app refuses a field changed meanwhile.
      for (const f of ['purpose', 'service_type', 'device_kind', 'notes'])
        if (f in values) values['expected.' + f] = current[f] || '';
      r = await V.api('PUT', '/api/v1/applications/' + encodeURIComponent(current.id), values);
    } else {
      values.applicant_id = V.param('applicant');
      values.household_id = V.param('household');
      r = await V.api('POST', '/api/v1/applications', values);
    }
    if (r.ok) {
      V.flash([V.t('app.saved'), ...r.data.warnings].join(' '));
      location.href = '/application?id=' + encodeURIComponent(r.data.id);
      return;
    }
    const field = r.data && r.data.error ? r.data.error.field : '';
    const target = field === 'indicators' ? '' : field;
    if (!V.fieldError(form, target, V.errorText(r))) V.showMessage('message', V.errorText(r), 'error');
  });

  if (id) {
    await load(id);
    return;
  }
  // A new application for a member of a household.
  const hh = await V.api('GET', '/api/v1/households/' + encodeURIComponent(V.param('household')));
  if (!hh.ok) {
    V.showMessage('message', V.errorText(hh), 'error');
    return;
  }
  const person = hh.data.members.find((m) => m.id === V.param('applicant'));
  V.setText('title', V.t('app.new_title'));
  V.setText('applicant-line', V.t('app.applicant') + ': ' + (person ? person.name + (person.nik ? ' · NIK ' + person.nik : '') : ''));
  showForm(null);
})();
