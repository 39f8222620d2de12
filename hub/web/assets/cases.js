// The cases page (B'DESUT): the inbox of open cases, soonest due first,
// overdue ones highlighted (due times in the office's zone), or all cases;
// filters by category, status, village and overdue; and, for roles that
// may, a walk-in case opened at the front office. The filter lives in the
// address, so a reload keeps it.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const params = new URLSearchParams(location.search);
  const filter = {
    view: params.get('view') || 'inbox',
    category: params.get('category') || '',
    status: params.get('status') || '',
    village: params.get('village') || '',
    overdue: params.get('overdue') || '',
  };
  const byId = (x) => document.getElementById(x);

  function options(select, items) {
    for (const it of items) {
      const o = S.el('option', it.label);
      o.value = it.code;
      select.append(o);
    }
  }

  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) qs.set(k, v);
  const r = await S.api('GET', '/api/v1/cases' + (qs.toString() ? '?' + qs : ''));
  if (!r.ok) {
    S.showMessage('message', S.errorText(r), 'error');
    return;
  }
  const d = r.data;
  options(byId('filter-category'), d.categories);
  options(byId('filter-status'), d.statuses);
  byId('filter-view').value = filter.view;
  byId('filter-category').value = filter.category;
  byId('filter-status').value = filter.status;
  byId('filter-village').value = filter.village;
  byId('filter-overdue').checked = filter.overdue === '1';
  byId('filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    const next = {
      view: byId('filter-view').value === 'all' ? 'all' : '',
      category: byId('filter-category').value,
      status: byId('filter-status').value,
      village: byId('filter-village').value.trim(),
      overdue: byId('filter-overdue').checked ? '1' : '',
    };
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v);
    location.href = '/cases' + (p.toString() ? '?' + p : '');
  });

  S.setText('summary', S.tf('cases.summary', d.matched, d.overdue));
  byId('cases').querySelector('tbody').replaceChildren(...d.items.map((c) => {
    const tr = S.el('tr', null, c.overdue ? 'overdue-row' : '');
    tr.dataset.id = c.id;
    const num = S.el('td');
    const link = S.el('a', c.number || S.t('cases.number_pending'), 'open-case');
    link.href = '/case?id=' + encodeURIComponent(c.id);
    num.append(link);
    const status = S.el('td');
    status.append(S.el('span', c.status_label, 'badge case-' + c.status));
    const due = S.el('td', c.due_text);
    if (c.overdue) {
      due.append(S.el('div', S.t('cases.overdue'), 'badge overdue'));
      due.append(S.el('div', S.tf('cases.overdue_by', c.overdue_text), 'small'));
    }
    tr.append(num, S.el('td', c.village_name ? c.village_name + ' (' + c.village + ')' : c.village),
              S.el('td', c.category_label), S.el('td', c.urgency_label), status, S.el('td', c.facilitator),
              S.el('td', c.opened_text), due);
    return tr;
  }));
  byId('empty').hidden = d.items.length > 0;

  if (!d.may_open) return;
  byId('walk-in').hidden = false;
  options(byId('open-category'), d.categories);
  options(byId('open-urgency'), d.urgencies);
  byId('open-urgency').value = 'normal';
  byId('open-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = byId('open-submit');
    button.disabled = true;
    const reply = await S.api('POST', '/api/v1/cases', {
      village: byId('open-village').value.trim(),
      category: byId('open-category').value,
      urgency: byId('open-urgency').value,
      description: byId('open-description').value.trim(),
    });
    button.disabled = false;
    if (!reply.ok) {
      S.showMessage('open-message', S.errorText(reply), 'error');
      return;
    }
    location.href = '/case?id=' + encodeURIComponent(reply.data.case.id) + '&opened=1';
  });
})();
