// The dashboard: the figures of GET /api/v1/dashboard with the charts the
// hub draws (<img> of /api/v1/dashboard/chart/NAME.svg), each with its
// table as CSV; filters by period and kecamatan; clicking a kecamatan shows
// its villages (drill-down), the district link goes back.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const byId = (x) => document.getElementById(x);
  const params = new URLSearchParams(location.search);

  function go(changes) {
    const p = new URLSearchParams();
    const values = { from: byId('filter-from').value, to: byId('filter-to').value,
                     kecamatan: byId('filter-kecamatan').value, ...changes };
    for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
    location.search = p.toString();
  }

  byId('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    go({});
  });

  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'kecamatan']) if (params.get(k)) q.set(k, params.get(k));
  const r = await S.api('GET', '/api/v1/dashboard?' + q.toString());
  if (!r.ok) {
    S.showMessage('message', S.errorText(r), 'error');
    return;
  }
  const d = r.data;
  byId('filter-from').value = d.from;
  byId('filter-to').value = d.to;
  const select = byId('filter-kecamatan');
  for (const k of d.kecamatans) {
    const o = S.el('option', k.label);
    o.value = k.code;
    select.append(o);
  }
  select.value = d.kecamatan;
  // The period in words, in the page's language (the server formats it).
  S.setText('period', S.tf('dashboard.period', d.from_text, d.to_text));
  S.setText('n-applications', d.applications);
  S.setText('n-median', d.median_to_letter_text);
  S.setText('n-p90', d.p90_to_letter_text);
  S.setText('n-cases-open', d.cases_open);
  S.setText('n-cases-overdue', d.cases_overdue);
  if (d.kecamatan) {
    byId('crumbs').hidden = false;
    S.setText('crumb-kecamatan', d.kecamatan_name || d.kecamatan);
    byId('crumb-district').addEventListener('click', (e) => {
      e.preventDefault();
      go({ kecamatan: '' });
    });
    S.setText('regions-title', S.tf('dashboard.villages_of', d.kecamatan_name || d.kecamatan));
  }

  const figures = d.figures.map((f) => {
    const fig = S.el('figure', null, 'figure');
    fig.dataset.figure = f.name;
    const img = S.el('img');
    img.src = f.chart;
    img.alt = f.title;
    const cap = S.el('figcaption');
    const csv = S.el('a', S.t('dashboard.csv'), 'no-print');
    csv.href = f.table;
    csv.setAttribute('download', '');
    cap.append(csv);
    fig.append(img, cap);
    return fig;
  });
  byId('figures').replaceChildren(...figures);

  // Regions: a kecamatan's row opens its villages.
  const rows = d.by_region.map((g) => {
    const tr = S.el('tr');
    const name = S.el('td');
    if (!d.kecamatan) {
      const a = S.el('a', g.label, 'drill');
      a.href = '#';
      a.dataset.kecamatan = g.code;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        go({ kecamatan: g.code });
      });
      name.append(a);
    } else {
      name.textContent = g.label;
    }
    tr.append(name, S.el('td', g.count, 'num'));
    return tr;
  });
  byId('regions').querySelector('tbody').replaceChildren(...rows);

  const times = d.times.map((s) => {
    const tr = S.el('tr');
    tr.append(S.el('td', s.label), S.el('td', s.applications, 'num'), S.el('td', s.letters_measured, 'num'),
              S.el('td', s.median_text), S.el('td', s.p90_text));
    return tr;
  });
  byId('times').querySelector('tbody').replaceChildren(...times);
})();
