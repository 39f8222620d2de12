// Self-registration: the registrations residents sent from the office kiosk
// and an operator has not handled yet, oldest first, with the time sent in
// the office's zone; "Review" opens one in the register form.
'use strict';

(async () => {
  if (!(await V.start('registrations'))) return;
  V.showFlash('message');
  const r = await V.api('GET', '/api/v1/registrations');
  if (!r.ok) {
    V.showMessage('message', V.errorText(r), 'error');
    return;
  }
  const kiosk = document.getElementById('kiosk');
  if (r.data.kiosk_url) {
    kiosk.append(V.el('span', V.tf('kreg.kiosk_at', r.data.kiosk_url) + ' '),
                 V.link('/kiosk-poster', V.t('kreg.poster'), 'button small'));
  } else {
    kiosk.append(V.el('span', V.t('kreg.kiosk_off'), 'muted'));
  }
  const tbody = document.querySelector('#registrations tbody');
  for (const g of r.data.registrations) {
    const tr = V.el('tr');
    tr.dataset.receipt = g.receipt;
    const open = V.link('/register?registration=' + encodeURIComponent(g.id), V.t('kreg.open'), 'button small');
    const act = V.el('td');
    act.append(open);
    tr.append(V.el('td', g.receipt), V.el('td', g.submitted), V.el('td', g.head_name), V.el('td', g.head_nik),
              V.el('td', g.address), V.el('td', g.service_label || '—'), V.el('td', g.photos), act);
    tbody.append(tr);
  }
  document.getElementById('none').hidden = r.data.registrations.length > 0;
  document.getElementById('registrations').hidden = r.data.registrations.length === 0;
})();
