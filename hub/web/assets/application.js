// The application page: applicant, household, indicator answers and score,
// history with people and times, documents (viewable inline, downloadable),
// letters, and the actions the signed-in role may take, each confirmed.
// A decision carries the head of the state shown (expected_head): if
// another verifier decided meanwhile, the hub refuses it and this page shows
// what happened.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const id = new URLSearchParams(location.search).get('id') || '';
  const base = '/api/v1/applications/' + encodeURIComponent(id);
  let app = null;

  function row(cells) {
    const tr = S.el('tr');
    for (const c of cells) tr.append(typeof c === 'object' ? c : S.el('td', c));
    return tr;
  }

  function fill(tbodySelector, rows) {
    document.querySelector(tbodySelector).replaceChildren(...rows);
  }

  function render() {
    document.title = (app.applicant ? app.applicant.name : '') + ' · Simpul';
    S.setText('app-title', app.applicant ? app.applicant.name : S.t('app.no_name'));
    S.setText('app-status', app.status_label);
    document.getElementById('app-status').className = 'badge status-' + app.status;
    S.setText('app-type', app.type_label);
    S.setText('app-village', (app.village_name || '') + ' (' + app.village + ')');
    S.setText('app-purpose', app.purpose);
    S.setText('app-waiting', app.waiting_text);
    S.setText('app-letter', app.letter_number);
    S.setText('app-dtks', app.dtks_text ||
              [app.dtks_status, app.dtks_desil ? 'desil ' + app.dtks_desil : ''].filter(Boolean).join(', '));
    S.setText('app-notes', app.notes);
    const p = app.applicant || {};
    S.setText('person-name', p.name);
    S.setText('person-nik', p.nik);
    S.setText('person-birth', [p.birth_place, p.birth_date].filter(Boolean).join(', '));
    S.setText('person-sex', p.sex);
    S.setText('person-phone', p.phone);
    S.setText('person-disability', p.disability);
    const h = app.household || { members: [] };
    S.setText('hh-kk', h.no_kk);
    S.setText('hh-address', [h.address, h.rt ? 'RT ' + h.rt : '', h.rw ? 'RW ' + h.rw : ''].filter(Boolean).join(', '));
    fill('#members tbody', h.members.map((m) => row([m.name, m.nik, m.relation, m.sex, m.birth_date])));
    const ind = app.indicators;
    S.setText('ind-summary', S.tf('app.score_line', ind.score || '-', ind.band_label || ind.band || '-',
                                   ind.title || ind.set || '-', ind.version || '-'));
    const threshold = document.getElementById('ind-threshold');
    threshold.textContent = ind.threshold_text || '';
    threshold.hidden = !ind.threshold_text;
    threshold.className = ind.threshold_met ? 'ok' : 'warn';
    fill('#answers tbody', ind.answers.map((a) => row([a.question, a.answer])));
    fill('#history tbody', app.history.map((e) => {
      const when = S.el('td', e.at_text);
      if (e.received_text) when.append(S.el('div', S.tf('app.received_at', e.received_text), 'muted small'));
      return row([when, e.label, e.who, e.reason]);
    }));
    renderDuplicates();
    renderConflicts();
    renderStages();
    renderDocuments();
    renderLetters();
    renderActions();
  }

  // The rule's stages: passed (by whom, when) or not yet; the next one.
  function renderStages() {
    document.getElementById('stages-card').hidden = app.stages.length === 0;
    fill('#stages tbody', app.stages.map((s) => {
      const state = s.passed ? S.el('td', S.tf('app.stage_passed', s.who, s.at_text), 'ok')
                             : S.el('td', S.t('app.stage_missing'), 'warn');
      if (s.passed && s.note) state.append(S.el('div', s.note, 'muted small'));
      const tr = row([s.title, s.role_label, state]);
      tr.id = 'stage-' + s.code;
      return tr;
    }));
    const next = document.getElementById('next-stage');
    next.hidden = !app.next_stage;
    next.textContent = app.next_stage ? S.tf('app.stage_next', app.next_stage.title, app.next_stage.role_label) : '';
  }

  function renderDocuments() {
    document.getElementById('no-documents').hidden = app.documents.length > 0;
    fill('#documents tbody', app.documents.map((d) => {
      const cell = S.el('td', null, 'no-print');
      if (d.received) {
        const view = S.el('button', S.t('app.view'), 'link view-doc');
        view.type = 'button';
        view.addEventListener('click', () => showDocument(d));
        const dl = S.el('a', S.t('app.download'), 'download-doc');
        dl.href = base + '/documents/' + encodeURIComponent(d.id) + '?download=1';
        cell.append(view, ' ', dl);
      } else {
        cell.textContent = S.t('app.not_received');
      }
      const tr = row([d.kind_label, d.filename, S.formatSize(d.size), cell]);
      tr.dataset.id = d.id;
      return tr;
    }));
  }

  function showDocument(d) {
    const url = base + '/documents/' + encodeURIComponent(d.id);
    const img = document.getElementById('viewer-img');
    const frame = document.getElementById('viewer-frame');
    const isPdf = d.media_type === 'application/pdf' || /\.pdf$/i.test(d.filename);
    img.hidden = isPdf;
    frame.hidden = !isPdf;
    if (isPdf) {
      img.removeAttribute('src');
      frame.src = url;
    } else {
      frame.removeAttribute('src');
      img.alt = d.filename;
      img.src = url;
    }
    S.setText('viewer-title', d.kind_label + ': ' + d.filename);
    document.getElementById('viewer').hidden = false;
    document.getElementById('viewer').scrollIntoView();
  }

  document.getElementById('viewer-close').addEventListener('click', () => {
    document.getElementById('viewer').hidden = true;
    document.getElementById('viewer-frame').removeAttribute('src');
    document.getElementById('viewer-img').removeAttribute('src');
  });

  function renderLetters() {
    document.getElementById('no-letters').hidden = app.letters.length > 0;
    document.getElementById('letters').replaceChildren(...app.letters.map((l) => {
      const li = S.el('li', l.number + ' · ' + l.issued_text + ' · ');
      const a = S.el('a', S.t('app.open_pdf'), 'open-letter');
      a.href = base + '/letters/' + encodeURIComponent(l.id);
      a.target = '_blank';
      a.rel = 'noopener';
      li.append(a);
      return li;
    }));
  }

  // The same NIK elsewhere and the benefits it already holds: shown, never
  // merged; an approval then asks for the override reason up front.
  function renderDuplicates() {
    const held = app.benefits_held || [], dups = app.duplicates || [];
    document.getElementById('dup-card').hidden = held.length === 0 && dups.length === 0;
    document.getElementById('held-list').replaceChildren(...held.map((h) => {
      const li = S.el('li', S.tf('app.held', h.type_label, h.status_label, h.village) + ' ');
      const a = S.el('a', S.t('app.open'));
      a.href = '/application?id=' + encodeURIComponent(h.application_id);
      li.append(a);
      return li;
    }));
    document.getElementById('dup-list').replaceChildren(...dups.map((p) => S.el('li', p.text)));
    document.getElementById('override-row').hidden = !(app.override_needed && app.actions.includes('approve'));
  }

  // Conflicts on this application, its applicant and household: both values
  // side by side; keep one, or write the right one (fields Dinsos may write).
  // The page sends the value it showed: decided or changed meanwhile is
  // refused with nothing written, and the application is read again.
  function renderConflicts() {
    const items = app.conflicts || [];
    const mayDecide = !!S.session().may.review;
    document.getElementById('conflicts-card').hidden = items.length === 0;
    document.getElementById('conflicts').replaceChildren(...items.map((c) => {
      const card = S.el('div', null, 'conflict');
      card.id = 'conflict-' + c.id;
      card.append(S.el('h3', c.field_label));
      const sides = S.el('div', null, 'sides');
      for (const [key, title] of [['winner', 'conflicts.kept'], ['loser', 'conflicts.other']]) {
        const s = c[key];
        const box = S.el('div', null, 'side side-' + key);
        box.append(S.el('h4', S.t(title)), S.el('p', s.text || S.t('conflicts.empty'), 'value'));
        if (s.when) box.append(S.el('p', S.tf('conflicts.written', s.when, s.by), 'muted small'));
        if (mayDecide && (key === 'winner' || c.hub_may_write)) {
          const b = S.el('button', S.t('conflicts.keep'), key === 'winner' ? '' : 'primary');
          b.type = 'button';
          b.id = 'keep-' + key + '-' + c.id;
          b.addEventListener('click', () => resolveConflict(c, { keep: key }, card));
          box.append(b);
        }
        sides.append(box);
      }
      card.append(sides);
      if (mayDecide && c.hub_may_write) {
        const form = S.el('form', null, 'no-print');
        const label = S.el('label', S.t('conflicts.new_value'));
        const input = S.el('input');
        input.id = 'value-' + c.id;
        input.maxLength = 1000;
        input.autocomplete = 'off';
        label.htmlFor = input.id;
        const save = S.el('button', S.t('conflicts.save_value'));
        save.type = 'submit';
        form.append(label, input, save);
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          resolveConflict(c, { keep: 'value', value: input.value.trim() }, card);
        });
        card.append(form);
      } else if (mayDecide) {
        card.append(S.el('p', S.t('conflicts.village_only'), 'muted small'));
      }
      return card;
    }));
  }

  async function resolveConflict(c, body, card) {
    for (const b of card.querySelectorAll('button')) b.disabled = true;
    const r = await S.api('POST', '/api/v1/conflicts/' + encodeURIComponent(c.id) + '/resolve',
                          Object.assign({ expected_current: c.current }, body));
    if (!r.ok) {
      for (const b of card.querySelectorAll('button')) b.disabled = false;
      S.showMessage('message', S.errorText(r), 'error');
      if (r.status === 409) await load();
      return;
    }
    await load();
    S.showMessage('message', S.t('conflicts.resolved'), 'ok');
  }

  function renderActions() {
    const box = document.getElementById('action-buttons');
    box.replaceChildren(...app.actions.map((action) => {
      const b = S.el('button', S.t('action.' + action), action === 'reject' ? 'danger' : 'primary');
      b.type = 'button';
      b.id = 'action-' + action;
      b.addEventListener('click', () => confirmAction(action));
      return b;
    }));
    document.getElementById('no-actions').hidden = app.actions.length > 0;
    document.getElementById('actions').hidden = false;
  }

  const NEEDS_REASON = ['return', 'reject', 'visit', 'recommend', 'stage'];

  function confirmAction(action) {
    const reason = document.getElementById('reason').value.trim();
    if (NEEDS_REASON.includes(action) && !reason) {
      S.showMessage('message', S.t('app.reason_needed'), 'error');
      document.getElementById('reason').focus();
      return;
    }
    S.showMessage('message', '');
    const dialog = document.getElementById('confirm');
    S.setText('confirm-text', S.tf('confirm.' + action, app.applicant ? app.applicant.name : ''));
    S.setText('confirm-reason', reason ? S.tf('app.reason_is', reason) : '');
    dialog.returnValue = '';
    dialog.onclose = () => {
      if (dialog.returnValue === 'yes') act(action, reason);
    };
    dialog.showModal();
  }

  async function act(action, reason) {
    const body = { reason, expected_head: app.head };
    if (action === 'approve') body.override_reason = document.getElementById('override-reason').value.trim();
    const r = await S.api('POST', base + '/actions/' + encodeURIComponent(action), body);
    if (r.status === 409 && r.data && r.data.current) {
      showStale(r);
      await load();
      return;
    }
    if (!r.ok) {
      S.showMessage('message', S.errorText(r), 'error');
      if (r.data && r.data.error && r.data.error.field === 'override_reason') {
        document.getElementById('override-row').hidden = false;
        document.getElementById('override-reason').focus();
      }
      return;
    }
    document.getElementById('reason').value = '';
    document.getElementById('override-reason').value = '';
    await load();
    S.showMessage('message', S.tf('done.' + action, r.data.letter_number || ''), 'ok');
  }

  function showStale(r) {
    document.getElementById('stale').hidden = false;
    S.setText('stale-text', r.data.error.message);
    document.getElementById('stale-list').replaceChildren(...r.data.current.happened.map((e) =>
      S.el('li', [e.at_text, e.label, e.who, e.reason].filter(Boolean).join(' · '))));
  }

  async function load() {
    const r = await S.api('GET', base);
    if (!r.ok) {
      S.showMessage('message', S.errorText(r), 'error');
      for (const s of document.querySelectorAll('section')) s.hidden = true;
      return;
    }
    app = r.data;
    render();
  }

  await load();
})();
