// The queue page: tabs per status with counts, filters by type, kecamatan
// and village, search by name, NIK or No. KK; longest waiting first, with
// the stage each waits for and its due time (overdue ones marked). The
// filter lives in the address (?status=&type=&kecamatan=&village=&q=), so a
// reload or the back button keeps it.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const params = new URLSearchParams(location.search);
  const filter = {
    status: params.get('status') || '',
    type: params.get('type') || '',
    stage: params.get('stage') || '',
    kecamatan: params.get('kecamatan') || '',
    village: params.get('village') || '',
    q: params.get('q') || '',
  };
  const typeSel = document.getElementById('filter-type');
  const villageSel = document.getElementById('filter-village');
  const kecSel = document.getElementById('filter-kecamatan');
  const stageSel = document.getElementById('filter-stage');
  const search = document.getElementById('filter-q');
  let statuses = [];

  const meta = await S.api('GET', '/api/v1/villages');
  if (meta.ok) {
    statuses = meta.data.statuses;
    for (const ty of meta.data.types) {
      const o = S.el('option', ty.label);
      o.value = ty.code;
      typeSel.append(o);
    }
    for (const st of meta.data.stages) {
      const o = S.el('option', st.title);
      o.value = st.code;
      stageSel.append(o);
    }
    for (const k of meta.data.kecamatan) {
      const o = S.el('option', k.name + ' (' + k.code + ')');
      o.value = k.code;
      kecSel.append(o);
    }
    for (const v of meta.data.villages) {
      const o = S.el('option', v.name ? v.name + ' (' + v.code + ')' : v.code);
      o.value = v.code;
      villageSel.append(o);
    }
  }
  typeSel.value = filter.type;
  villageSel.value = filter.village;
  kecSel.value = filter.kecamatan;
  stageSel.value = filter.stage;
  search.value = filter.q;

  function go(next) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v);
    const qs = p.toString();
    location.href = '/' + (qs ? '?' + qs : '');
  }

  document.getElementById('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    go({ status: filter.status, type: typeSel.value, stage: stageSel.value, kecamatan: kecSel.value,
         village: villageSel.value, q: search.value.trim() });
  });

  function renderTabs(counts, all) {
    const tabs = document.getElementById('tabs');
    const items = [{ code: '', label: S.t('queue.all'), n: all }];
    for (const s of statuses) items.push({ code: s.code, label: s.label, n: counts[s.code] || 0 });
    tabs.replaceChildren(...items.map((it) => {
      const a = S.el('a', it.label + ' (' + it.n + ')', 'tab' + (it.code === filter.status ? ' active' : ''));
      a.href = '#';
      a.dataset.status = it.code || 'all';
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        go({ ...filter, status: it.code });
      });
      return a;
    }));
  }

  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, v);
  const r = await S.api('GET', '/api/v1/applications' + (qs.toString() ? '?' + qs : ''));
  if (!r.ok) {
    S.showMessage('message', S.errorText(r), 'error');
    return;
  }
  renderTabs(r.data.counts, r.data.all);
  S.setText('summary', S.tf('queue.summary', r.data.matched));
  const body = document.querySelector('#queue tbody');
  body.replaceChildren(...r.data.items.map((it) => {
    const tr = S.el('tr');
    tr.dataset.id = it.id;
    const name = S.el('td');
    const link = S.el('a', it.applicant_name || S.t('app.no_name'));
    link.href = '/application?id=' + encodeURIComponent(it.id);
    link.className = 'open-app';
    name.append(link);
    const status = S.el('td');
    status.append(S.el('span', it.status_label, 'badge status-' + it.status));
    const due = S.el('td', it.due_text ? it.next_stage_title + ' (' + it.due_text + ')' : '', 'due');
    if (it.overdue) {
      tr.classList.add('overdue');
      due.append(' ', S.el('span', S.t('queue.overdue'), 'badge overdue'));
    }
    tr.append(name, S.el('td', it.village_name || it.village), S.el('td', it.type_label), status,
              S.el('td', it.since_text), S.el('td', it.waiting_text), due,
              S.el('td', it.score === undefined ? '' : it.score.toFixed(2), 'num'));
    return tr;
  }));
  document.getElementById('empty').hidden = r.data.items.length > 0;
  const overdue = r.data.items.filter((it) => it.overdue).length;
  if (overdue > 0) S.setText('summary', S.tf('queue.summary', r.data.matched) + ' ' + S.tf('queue.overdue_count', overdue));

  // Exports of what the page shows (its filters), with a stated purpose;
  // the file comes through fetch so an error is shown on the page.
  const session = S.session();
  document.getElementById('export-masked').hidden = session.may.verify || session.may.review;
  for (const button of document.querySelectorAll('#export-form button')) {
    button.addEventListener('click', async () => {
      const p = new URLSearchParams();
      if (button.dataset.what === 'queue') for (const [k, v] of Object.entries(filter)) if (v) p.set(k, v);
      if (button.dataset.type) p.set('type', button.dataset.type);
      p.set('format', button.dataset.format);
      p.set('purpose', document.getElementById('export-purpose').value.trim());
      button.disabled = true;
      let res = null;
      try {
        res = await fetch('/api/v1/exports/' + button.dataset.what + '?' + p, { credentials: 'same-origin' });
      } catch (e) {
        res = null;
      }
      button.disabled = false;
      if (!res || !res.ok) {
        let data = null;
        try { data = res ? await res.json() : null; } catch (e) { data = null; }
        S.showMessage('export-message', res ? S.errorText({ status: res.status, data }) : S.t('error.network'), 'error');
        return;
      }
      const disposition = res.headers.get('content-disposition') || '';
      const m = /filename="([^"]+)"/.exec(disposition);
      const name = m ? m[1] : 'simpul-export.' + button.dataset.format;
      const url = URL.createObjectURL(await res.blob());
      const a = S.el('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      S.showMessage('export-message', S.tf('export.started', name), 'ok');
    });
  }
})();
