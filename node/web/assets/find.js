// Find a household or person by name, NIK or No. KK; each result shows the
// household with its members, a link to it, and "new application" per member.
'use strict';

(async () => {
  if (!(await V.start('find'))) return;
  const form = document.getElementById('find-form');
  const q = document.getElementById('q');
  async function search() {
    const text = q.value.trim();
    sessionStorage.setItem('simpul_find_q', text);
    const results = document.getElementById('results');
    results.replaceChildren();
    V.showMessage('message', '');
    if (text.length < 2) {
      V.setText('summary', text ? V.t('find.short') : '');
      return;
    }
    const r = await V.api('GET', '/api/v1/search?q=' + encodeURIComponent(text));
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    const list = r.data.households;
    V.setText('summary', list.length ? V.tf('find.count', list.length) : V.t('find.none'));
    for (const h of list) results.append(V.householdCard(h, true));
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search();
  });
  q.value = sessionStorage.getItem('simpul_find_q') || '';
  if (q.value) search();
})();
