// The audit log viewer (auditor, administrator): the result of verifying
// every chain (the hub's and the villages', against their signed heads) and
// the latest entries, filtered by village and action.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const byId = (x) => document.getElementById(x);
  const params = new URLSearchParams(location.search);
  byId('filter-village').value = params.get('village') || '';
  byId('filter-action').value = params.get('action') || '';
  byId('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (byId('filter-village').value.trim()) p.set('village', byId('filter-village').value.trim());
    if (byId('filter-action').value.trim()) p.set('action', byId('filter-action').value.trim());
    location.href = '/audit' + (p.toString() ? '?' + p : '');
  });
  const qs = new URLSearchParams();
  for (const k of ['village', 'action']) if (params.get(k)) qs.set(k, params.get(k));
  const r = await S.api('GET', '/api/v1/audit' + (qs.toString() ? '?' + qs : ''));
  if (!r.ok) {
    S.showMessage('message', S.errorText(r), 'error');
    return;
  }
  const v = r.data.verification;
  S.showMessage('verdict', v.text, v.intact ? 'ok' : 'error');
  byId('problems').replaceChildren(...v.problems.map((p) => S.el('li', p.table + ': ' + p.text, 'problem')));
  byId('heads').replaceChildren(...v.heads.map((h) => S.el('li', h.table + ': ' + h.text)));
  byId('entries').querySelector('tbody').replaceChildren(...r.data.entries.map((e) => {
    const tr = S.el('tr');
    for (const c of [e.at, S.t('audit.source_' + e.source), e.actor || e.writer, e.action, e.village, e.subject, e.detail])
      tr.append(S.el('td', c));
    return tr;
  }));
})();
