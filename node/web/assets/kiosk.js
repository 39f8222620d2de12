// The office kiosk's registration form, on a resident's phone. It reads
// nothing from the village's data: only its own texts and choices
// (/kiosk/v1/strings). One POST sends the form's fields and the KK/KTP
// photos (made smaller here first, photo.js); the reply is a receipt number
// and nothing more. Errors are shown under the field they name; what was
// typed stays. Every value is written with textContent.
'use strict';

(async () => {
  let strings = {};
  let data = {};
  const t = (k) => (Object.prototype.hasOwnProperty.call(strings, k) ? strings[k] : k);
  const tf = (k, ...a) => t(k).replace(/\{(\d)\}/g, (m, n) => (a[n] === undefined ? m : String(a[n])));
  const lang = localStorage.getItem('simpul_kiosk_lang') === 'en' ? 'en' : 'id';
  const form = document.getElementById('kiosk-form');
  const members = document.getElementById('members');
  let next = 0;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function message(text, kind) {
    const m = document.getElementById('message');
    m.textContent = text || '';
    m.hidden = !text;
    m.className = 'message' + (kind ? ' ' + kind : '');
  }
  function clearErrors() {
    for (const e of form.querySelectorAll('.field-error')) e.remove();
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  }
  function fieldError(name, text) {
    const input = name ? form.querySelector('[name="' + CSS.escape(name) + '"]') : null;
    if (!input) return false;
    const p = el('p', text, 'field-error');
    p.setAttribute('role', 'alert');
    input.setAttribute('aria-invalid', 'true');
    input.closest('label').append(p);
    input.focus();
    return true;
  }
  function select(name, choices) {
    const s = el('select');
    s.name = name;
    s.append(new Option(t('kiosk.choose'), ''));
    for (const c of choices) s.append(new Option(c.label, c.code));
    return s;
  }
  function field(label, input) {
    const l = el('label');
    l.append(el('span', label), input);
    return l;
  }
  function text(name, opts = {}) {
    const i = el('input');
    i.name = name;
    i.id = name.replace('.', '-');
    i.autocomplete = 'off';
    i.maxLength = opts.max || 120;
    if (opts.numeric) i.inputMode = 'numeric';
    if (opts.placeholder) i.placeholder = opts.placeholder;
    return i;
  }

  function addMember() {
    const prefix = 'm' + next++ + '.';
    const box = el('fieldset', null, 'member');
    box.append(el('legend', tf('kiosk.member_n', members.children.length + 1)));
    const relation = select(prefix + 'relation', data.relations);
    box.append(field(t('kiosk.name'), text(prefix + 'name')),
               field(t('kiosk.nik'), text(prefix + 'nik', { numeric: true, max: 24 })),
               field(t('kiosk.relation'), relation),
               field(t('kiosk.birth_place'), text(prefix + 'birth_place', { max: 100 })),
               field(t('kiosk.birth_date'), text(prefix + 'birth_date', { max: 10, placeholder: t('kiosk.date_hint') })),
               field(t('kiosk.sex'), select(prefix + 'sex', data.sexes)),
               field(t('kiosk.phone'), text(prefix + 'phone', { max: 20 })),
               field(t('kiosk.phone_consent'), select(prefix + 'phone_consent', [
                 { code: 'ya', label: t('kiosk.consent_yes') }, { code: 'tidak', label: t('kiosk.consent_no') }])));
    if (members.children.length === 0) {
      relation.value = '1';  // the first member is the head
    } else {
      const remove = el('button', t('kiosk.remove'), 'link');
      remove.type = 'button';
      remove.addEventListener('click', () => box.remove());
      box.append(remove);
    }
    members.append(box);
    return box;
  }

  const r = await fetch('/kiosk/v1/strings?lang=' + lang, { cache: 'no-store' }).catch(() => null);
  if (!r || !r.ok) {
    message('The office laptop does not answer. / Laptop kantor tidak menjawab.', 'error');
    return;
  }
  data = await r.json();
  strings = data.strings;
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  document.title = t('kiosk.title');
  const switcher = document.getElementById('switch-lang');
  switcher.textContent = lang === 'id' ? 'English' : 'Bahasa Indonesia';
  switcher.addEventListener('click', () => {
    localStorage.setItem('simpul_kiosk_lang', lang === 'id' ? 'en' : 'id');
    location.reload();
  });
  const service = document.getElementById('service');
  service.append(new Option(t('kiosk.no_service'), ''));
  for (const s of data.services) service.append(new Option(s.label, s.code));
  addMember();
  document.getElementById('add-member').addEventListener('click', () => addMember().querySelector('input').focus());
  form.addEventListener('input', (ev) => {
    const next = ev.target.closest('label') && ev.target.closest('label').querySelector('.field-error');
    if (next) next.remove();
    ev.target.removeAttribute('aria-invalid');
  });
  document.getElementById('again').addEventListener('click', () => location.reload());

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    message('');
    const send = document.getElementById('send');
    send.disabled = true;
    send.textContent = t('kiosk.sending');
    try {
      const values = {};
      for (const e of form.querySelectorAll('input[name]:not([type=file]), select[name]')) {
        if (e.value.trim()) values[e.name] = e.value.trim();
      }
      const parts = [JSON.stringify(values) + '\n'];
      const query = [];
      for (const kind of ['kk', 'ktp']) {
        const input = document.getElementById('photo_' + kind);
        const note = document.getElementById('note-' + kind);
        note.textContent = '';
        if (!input.files.length) continue;
        const label = t('kiosk.photo_' + kind);
        const p = await Photo.prepare(input.files[0], label, data.photo_limit, Photo.sizeText(data.photo_limit), tf);
        if (p.error) {
          fieldError('photo_' + kind, p.error);
          return;
        }
        note.textContent = p.note;
        parts.push(p.blob);
        query.push(kind + '=' + p.blob.size);
      }
      let reply;
      try {
        // Same-origin referrer policy: the browser then sends our Origin,
        // which the kiosk checks (the page's default is no-referrer).
        reply = await fetch('/kiosk/v1/registrations?' + query.concat('lang=' + lang).join('&'), {
          method: 'POST', body: new Blob(parts), headers: { 'Content-Type': 'application/x-simpul-kiosk' },
          referrerPolicy: 'same-origin', cache: 'no-store' });
      } catch (e) {
        message(t('kiosk.network'), 'error');
        return;
      }
      let body = null;
      try {
        body = await reply.json();
      } catch (e) {
        body = null;
      }
      if (reply.ok) {
        form.hidden = true;
        document.getElementById('receipt').textContent = body.message;
        document.getElementById('sent-notes').textContent =
          ['kk', 'ktp'].map((k) => document.getElementById('note-' + k).textContent).filter(Boolean).join(' ');
        document.getElementById('done').hidden = false;
        window.scrollTo(0, 0);
        return;
      }
      const err = body && body.error ? body.error : { message: tf('kiosk.error_status', reply.status) };
      if (!fieldError(err.field, err.message)) message(err.message, 'error');
    } finally {
      send.disabled = false;
      send.textContent = t('kiosk.send');
    }
  });
})();
