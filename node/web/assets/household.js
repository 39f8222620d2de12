// One household: its members (each with "new application") and its
// applications with their status.
'use strict';

(async () => {
  if (!(await V.start('find'))) return;
  V.showFlash('message');
  const r = await V.api('GET', '/api/v1/households/' + encodeURIComponent(V.param('id')));
  if (!r.ok) {
    V.showMessage('message', V.errorText(r), 'error');
    return;
  }
  document.getElementById('household').replaceChildren(V.householdCard(r.data, false));
  const tbody = document.querySelector('#applications tbody');
  for (const a of r.data.applications) {
    const row = V.el('tr');
    const name = V.el('td');
    name.append(V.link('/application?id=' + encodeURIComponent(a.id), a.applicant_name));
    const status = V.el('td');
    status.append(V.el('span', a.status_label, 'badge status-' + a.status));
    row.append(name, V.el('td', a.type_label), status);
    tbody.append(row);
  }
  document.getElementById('no-applications').hidden = r.data.applications.length > 0;
  document.getElementById('applications').hidden = r.data.applications.length === 0;
})();
