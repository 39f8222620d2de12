// The Sync page: the last sync in words, "sync now" (the run goes on in the
// background; this page polls its progress), the outbox count, refusals;
// and the bundle for the USB stick: "make a bundle" downloads the file,
// "read the reply bundle" sends the file Dinsos gave back.
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
    document.getElementById('progress-box').hidden = !s.running;
    if (s.running) {
      const p = Object.assign({ pushed: 0, push_total: 0, bytes: 0, seconds: 0, doc_bytes_done: 0, doc_bytes_total: 0 },
                              s.progress || {});
      // The work in bytes: a change is a few hundred bytes on the wire, a
      // scan its size. Time left from the rate so far (a cut slows it; the
      // run resumes where the hub confirmed, and the bar with it).
      const done = p.pushed * 300 + p.doc_bytes_done, total = p.push_total * 300 + p.doc_bytes_total;
      const bar = document.getElementById('progress-bar');
      bar.value = total > 0 ? Math.min(1000, Math.round(1000 * done / total)) : 0;
      let text = V.tf('sync.running', p.pushed, p.push_total, Math.round(p.bytes / 1024));
      if (done > 0 && total > done && p.seconds > 0) {
        const left = Math.round(p.seconds * (total - done) / done);
        text += ' ' + (left < 90 ? V.tf('sync.left_s', Math.max(1, left)) : V.tf('sync.left_min', Math.round(left / 60)));
      }
      V.setText('progress', text);
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
  // --- the bundle for the USB stick ----------------------------------------
  let maxBundle = 0;
  const exportButton = document.getElementById('bundle-export');
  const importButton = document.getElementById('bundle-import');
  const fileInput = document.getElementById('bundle-file');
  const bundleForm = document.getElementById('bundle-form');
  for (const b of [exportButton, importButton, fileInput]) b.disabled = !V.session().may.record;

  function bundleResult(text, kind) {
    V.showMessage('bundle-result', text, kind);
  }

  // The file name of a Content-Disposition header (ours: ASCII, quoted).
  function fileName(disposition) {
    const m = /filename="([^"]+)"/.exec(disposition || '');
    return m ? m[1] : 'simpul.bundle';
  }

  // A request whose body or reply is a file, not JSON (V.api is JSON only).
  async function send(path, body, contentType) {
    const headers = { 'X-CSRF-Token': V.session().csrf_token };
    if (contentType) headers['Content-Type'] = contentType;
    try {
      return await fetch(path, { method: 'POST', headers, body, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      return null;
    }
  }

  async function errorOf(res) {
    if (!res) return V.t('error.network');
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (res.status === 423) location.href = '/unlock';
    return V.errorText({ status: res.status, data });
  }

  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    bundleResult(V.t('bundle.exporting'));
    const res = await send('/api/v1/sync/bundle/export');
    exportButton.disabled = false;
    if (!res || !res.ok) {
      bundleResult(await errorOf(res), 'error');
      return;
    }
    const blob = await res.blob();
    const a = V.el('a');
    a.href = URL.createObjectURL(blob);
    a.download = fileName(res.headers.get('content-disposition'));
    a.hidden = true;
    document.body.append(a);
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 60000);
    let text = V.tf('bundle.exported', res.headers.get('x-bundle-changes'), res.headers.get('x-bundle-documents'),
                    Math.max(1, Math.round(blob.size / 1024)));
    if (res.headers.get('x-bundle-more') === '1') text += ' ' + V.t('bundle.more');
    bundleResult(text, 'ok');
    refresh();
  });

  bundleForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    V.clearErrors(bundleForm);
    const file = fileInput.files[0];
    if (!file) {
      V.fieldError(bundleForm, 'file', V.t('bundle.choose'));
      return;
    }
    if (maxBundle && file.size > maxBundle) {
      const mb = (n) => Math.ceil(n / 1048576);
      bundleResult(V.tf('bundle.too_large', mb(file.size), mb(maxBundle)), 'error');
      return;
    }
    importButton.disabled = true;
    bundleResult(V.t('bundle.importing'));
    const res = await send('/api/v1/sync/bundle/import?name=' + encodeURIComponent(file.name), file,
                           'application/octet-stream');
    importButton.disabled = false;
    if (!res || !res.ok) {
      bundleResult(await errorOf(res), 'error');
      return;
    }
    const data = await res.json();
    bundleResult(data.text, 'ok');
    fileInput.value = '';
    refresh();
  });

  const first = await refresh();
  if (first) maxBundle = first.bundle_max_bytes || 0;
  if (first && first.running) poll();
})();
