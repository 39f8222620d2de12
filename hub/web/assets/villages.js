// The villages page: per village its nodes (status, last contact as "3
// hari lalu", protocol and schema at their last sync, the changes waiting
// in their outbox as they last reported), refused requests and
// open conflicts; villages not heard from longest first. An administrator
// may revoke a node (a lost laptop), with a reason and a confirmation.
'use strict';

(async () => {
  const S = Simpul;
  if (!(await S.start())) return;
  const byId = (x) => document.getElementById(x);

  function confirmRevoke(text) {
    const dlg = byId('confirm');
    S.setText('confirm-text', text);
    byId('revoke-reason').value = '';
    return new Promise((resolve) => {
      dlg.addEventListener('close', () => resolve(dlg.returnValue === 'yes' ? byId('revoke-reason').value.trim() : null),
                           { once: true });
      dlg.showModal();
    });
  }

  async function load() {
    const r = await S.api('GET', '/api/v1/fleet');
    if (!r.ok) {
      S.showMessage('message', S.errorText(r), 'error');
      return;
    }
    const rows = r.data.villages.map((v) => {
      const tr = S.el('tr', null, v.silent_days < 0 || v.silent_days >= 7 ? 'silent-row' : '');
      tr.dataset.village = v.village;
      const contact = S.el('td', v.last_contact_text);
      if (v.last_contact_at) contact.append(S.el('div', v.last_contact_at, 'muted small'));
      const nodes = S.el('td');
      for (const n of v.nodes) {
        const line = S.el('div', null, 'node');
        line.dataset.node = n.node_id;
        line.append(S.el('code', n.node_id.slice(0, 12)), ' ',
                    S.el('span', n.status_label, 'badge node-' + n.status), ' ',
                    S.el('span', S.tf('villages.node_line', n.last_seen_text, n.protocol || '-', n.schema || '-'), 'small'));
        // What waits at the village, as the laptop said at its last sync.
        line.append(S.el('div', n.outbox_waiting === null ? S.t('villages.outbox_unknown')
                                : S.tf('villages.outbox', n.outbox_waiting, n.outbox_reported_text),
                         'small outbox' + (n.outbox_waiting > 0 ? ' outbox-waiting' : '')));
        if (n.revoke_reason) line.append(S.el('div', n.revoke_reason, 'muted small'));
        if (r.data.may_revoke && n.status !== 'revoked') {
          const b = S.el('button', S.t('villages.revoke'), 'link no-print revoke');
          b.type = 'button';
          b.addEventListener('click', async () => {
            const reason = await confirmRevoke(S.tf('villages.confirm', n.node_id, v.name || v.village));
            if (reason === null) return;
            const done = await S.api('POST', '/api/v1/nodes/' + encodeURIComponent(n.node_id) + '/revoke', { reason });
            if (!done.ok) {
              S.showMessage('message', S.errorText(done), 'error');
              return;
            }
            S.showMessage('message', S.tf('villages.revoked', n.node_id), 'ok');
            await load();
          });
          line.append(' ', b);
        }
        nodes.append(line);
      }
      tr.append(S.el('td', v.name ? v.name + ' (' + v.village + ')' : v.village), contact, nodes,
                S.el('td', v.refusals, 'num'), S.el('td', v.open_conflicts, 'num'));
      return tr;
    });
    byId('villages').querySelector('tbody').replaceChildren(...rows);
    byId('empty').hidden = rows.length > 0;
    byId('enrol').hidden = !r.data.may_enrol;
  }

  // An administrator issues a village's one-time enrolment code; the slip
  // shows it once with its expiry, the hub key and the command to type.
  byId('enrol-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    S.showMessage('enrol-message', '');
    const village = byId('enrol-village').value.trim();
    const done = await S.api('POST', '/api/v1/villages/' + encodeURIComponent(village) + '/enrolment',
                             { days: byId('enrol-days').value.trim() });
    if (!done.ok) {
      byId('enrol-slip').hidden = true;
      S.showMessage('enrol-message', S.errorText(done), 'error');
      return;
    }
    S.setText('slip-village', done.data.village);
    S.setText('slip-code', done.data.code);
    S.setText('slip-expires', done.data.expires_text);
    S.setText('slip-key', done.data.hub_key);
    S.setText('slip-command', done.data.command);
    byId('enrol-slip').hidden = false;
  });
  await load();
})();
