// The status board: every application of the village by where it stands
// (returned first: the operator has work there), with the time it got there
// in the office's zone, the reason of a return, and letters to print.
'use strict';

(async () => {
  if (!(await V.start('board'))) return;
  const r = await V.api('GET', '/api/v1/applications');
  if (!r.ok) {
    V.showMessage('message', V.errorText(r), 'error');
    return;
  }
  const groups = ['returned', 'letter', 'draft', 'to_send', 'at_dinsos', 'approved', 'closed'];
  const board = document.getElementById('board');
  for (const g of groups) {
    const apps = r.data.applications.filter((a) => a.group === g);
    const section = V.el('section', null, 'card group group-' + g);
    section.id = 'group-' + g;
    const h = V.el('h2', V.t('board.' + g) + ' ');
    h.append(V.el('span', String(apps.length), 'count'));
    section.append(h);
    if (!apps.length) {
      section.append(V.el('p', V.t('board.empty'), 'muted small'));
      board.append(section);
      continue;
    }
    const table = V.el('table', null, 'list');
    const tbody = V.el('tbody');
    for (const a of apps) {
      const tr = V.el('tr');
      const who = V.el('td');
      who.append(V.link('/application?id=' + encodeURIComponent(a.id), a.applicant_name));
      const status = V.el('td');
      status.append(V.el('span', a.status_label, 'badge status-' + a.status));
      const note = V.el('td');
      if (a.reason && (a.status === 'returned' || a.status === 'rejected' || a.status === 'withdrawn'))
        note.append(V.el('span', V.tf('app.reason_is', a.reason)));
      if (a.letter) {
        if (a.letter.pdf_here) {
          const p = V.link('/api/v1/applications/' + encodeURIComponent(a.id) + '/letter', V.t('app.print'), 'button small');
          p.target = '_blank';
          p.rel = 'noopener';
          note.append(V.el('span', a.letter.number + ' '), p);
        } else {
          note.append(V.el('span', a.letter.number + ' · ' + V.t('app.pdf_pending'), 'muted'));
        }
      }
      tr.append(who, V.el('td', a.type_label), status, V.el('td', a.since, 'nowrap'), note);
      tbody.append(tr);
    }
    table.append(tbody);
    section.append(table);
    board.append(section);
  }
})();
