// An application's documents on its page: one row per kind its service rule
// names (required or optional) and per other kind attached, each with the
// scan attached (name, size, a link to view it) and, while the village may
// change the application, a file input that takes a file or the laptop's
// camera. A photo is made smaller before it is sent (photo.js); a PDF goes
// as it is. The server checks again: size limit, type from the bytes, CSRF
// token.
'use strict';

const Documents = (() => {
  // Sends `file` as the scan of `kind` (replacing document `replaces` when
  // given); shows what happened in `status`. True when attached.
  async function send(app, kind, label, replaces, file, status) {
    V.showMessage(status.id, V.t('doc.sending'));
    const p = await Photo.prepare(file, label, app.upload_limit, app.upload_limit_text, V.tf);
    if (p.error) {
      V.showMessage(status.id, p.error, 'error');
      return false;
    }
    const base = '/api/v1/applications/' + encodeURIComponent(app.id) + '/documents';
    const path = (replaces ? base + '/' + encodeURIComponent(replaces) : base) +
                 '?kind=' + encodeURIComponent(kind) + '&name=' + encodeURIComponent(p.name);
    const r = await V.upload(replaces ? 'PUT' : 'POST', path, p.blob, p.type);
    if (!r.ok) {
      V.showMessage(status.id, V.errorText(r), 'error');
      return false;
    }
    V.flash([V.tf('doc.attached', r.data.filename, r.data.size_text), p.note].filter(Boolean).join(' '));
    return true;
  }

  // The laptop's camera (127.0.0.1 counts as a secure context): a live
  // picture in a dialog, "take the photo", and the frame goes out as a JPEG
  // like a chosen file. No camera, or no permission: {error}, and the file
  // input still works.
  async function takePhoto(label) {
    const dialog = document.getElementById('camera');
    const video = document.getElementById('camera-video');
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1920 } } });
    } catch (e) {
      return { error: V.t('camera.none') };
    }
    video.srcObject = stream;
    V.setText('camera-title', V.tf('camera.title', label));
    dialog.returnValue = '';
    const taken = new Promise((resolve) => { dialog.onclose = () => resolve(dialog.returnValue === 'take'); });
    dialog.showModal();
    let file = null;
    if (await taken && video.videoWidth) {
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d').drawImage(video, 0, 0);
      const blob = await new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.85));
      if (blob) file = new File([blob], 'kamera-' + Date.now() + '.jpg', { type: 'image/jpeg' });
    }
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    return { file };
  }

  // Fills the documents card of `app`; `reload` shows the application again
  // after a scan was attached.
  function render(app, mayAttach, reload) {
    const hint = document.getElementById('doc-hint');
    hint.hidden = !mayAttach;
    hint.textContent = V.tf('doc.hint', app.upload_limit_text);
    const kinds = app.document_kinds.map((k) => ({ kind: k.kind, label: k.label, required: k.required }));
    for (const d of app.documents)
      if (!kinds.some((k) => k.kind === d.kind)) kinds.push({ kind: d.kind, label: d.kind_label, required: false });
    const tbody = document.querySelector('#doc-list tbody');
    tbody.replaceChildren();
    for (const k of kinds) {
      const attached = app.documents.filter((d) => d.kind === k.kind);
      const tr = V.el('tr');
      tr.id = 'doc-' + k.kind;
      const what = V.el('td', k.label);
      what.append(V.el('div', V.t(k.required ? 'doc.required' : 'doc.optional'), 'muted small'));
      const files = V.el('td');
      if (!attached.length) files.append(V.el('span', V.t('doc.missing'), k.required ? 'warn' : 'muted'));
      for (const d of attached) {
        const line = V.el('div', null, 'doc-file');
        line.append(V.el('span', d.filename + ' · ' + d.size_text + ' · ' + d.kind_label + ' '));
        const view = V.link('/api/v1/applications/' + encodeURIComponent(app.id) + '/documents/' +
                            encodeURIComponent(d.id), V.t('doc.view'), 'button small');
        view.target = '_blank';
        view.rel = 'noopener';
        view.className += ' doc-view';
        line.append(view);
        files.append(line);
      }
      const act = V.el('td', null, 'no-print');
      if (mayAttach) {
        const replaces = attached.length ? attached[attached.length - 1].id : '';
        const label = V.el('label', V.t(replaces ? 'doc.replace' : 'doc.attach'), 'small');
        const input = V.el('input');
        input.type = 'file';
        input.id = 'doc-file-' + k.kind;
        input.accept = 'image/*,application/pdf';
        input.setAttribute('capture', 'environment');
        label.append(input);
        const status = V.el('p', '', 'message');
        status.id = 'doc-msg-' + k.kind;
        status.hidden = true;
        status.setAttribute('role', 'status');
        input.addEventListener('change', async () => {
          if (!input.files.length) return;
          input.disabled = true;
          const ok = await send(app, k.kind, k.label, replaces, input.files[0], status);
          input.disabled = false;
          input.value = '';
          if (ok) await reload();
        });
        act.append(label);
        if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
          const cam = V.el('button', V.t('camera.open'), 'small');
          cam.type = 'button';
          cam.id = 'doc-camera-' + k.kind;
          cam.addEventListener('click', async () => {
            const shot = await takePhoto(k.label);
            if (shot.error) {
              V.showMessage(status.id, shot.error, 'error');
              return;
            }
            if (!shot.file) return;
            cam.disabled = true;
            const ok = await send(app, k.kind, k.label, replaces, shot.file, status);
            cam.disabled = false;
            if (ok) await reload();
          });
          act.append(' ', cam);
        }
        act.append(status);
      }
      tr.append(what, files, act);
      tbody.append(tr);
    }
  }

  return { render };
})();
