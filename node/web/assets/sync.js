// The Sync page: the last sync in words, "sync now" (the run goes on in the
// background; this page polls its progress), the outbox count, refusals.
'use strict';

(async () => {
  if (!(await V.start('sync'))) return;
  const button = document.getElementById('sync-now');
  let polling = false;

  function render(s) {
    const lastWhen = document.getElementById('last-when');
    lastWhen.dataset.at = s.last ? String(s.last.at_ms) : '0';
    if (s.last) {
      V.setText('last-when', s.last.when + ' (' + s.last.ago + ')');
      V.showMessage('last-text', s.last.text, s.last.ok ? 'ok' : 'error');
    } else {
      V.setText('last-when', V.t('sync.never'));
      V.showMessage('last-text', '');
    }
    V.setText('outbox', V.tf('sync.outbox', s.outbox_pending));
    V.setText('hub', s.hub_url ? V.tf('sync.hub', s.hub_url) : '');
    const progress = document.getElementById('progress');
    progress.hidden = !s.running;
    if (s.running) {
      const p = s.progress || { pushed: 0, push_total: 0, bytes: 0 };
      progress.textContent = V.tf('sync.running', p.pushed, p.push_total, Math.round(p.bytes / 1024));
    }
    button.disabled = s.running || !V.session().may.record;
    const tbody = document.querySelector('#refusals tbody');
    tbody.replaceChildren();
    for (const f of s.refusals) {
      const tr = V.el('tr');
      tr.append(V.el('td', f.what), V.el('td', f.reason), V.el('td', f.settled ? V.t('sync.settled') : '', 'muted'));
      tbody.append(tr);
    }
    document.getElementById('no-refusals').hidden = s.refusals.length > 0;
    document.getElementById('refusals').hidden = s.refusals.length === 0;
  }

  async function refresh() {
    const r = await V.api('GET', '/api/v1/sync');
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return null;
    }
    render(r.data);
    return r.data;
  }

  async function poll() {
    if (polling) return;
    polling = true;
    for (;;) {
      const s = await refresh();
      if (!s || !s.running) break;
      await new Promise((res) => setTimeout(res, 700));
    }
    polling = false;
    button.focus();
  }

  button.addEventListener('click', async () => {
    V.showMessage('message', '');
    button.disabled = true;
    const r = await V.api('POST', '/api/v1/sync');
    if (!r.ok && r.status !== 409) {
      V.showMessage('message', V.errorText(r), 'error');
      button.disabled = false;
      return;
    }
    poll();
  });
  const first = await refresh();
  if (first && first.running) poll();
})();
