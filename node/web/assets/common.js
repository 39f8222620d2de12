// Shared by every page of the village web app: the API client (session
// cookie + X-CSRF-Token on every change), the page strings in the chosen
// language, the header, and form helpers. Every value from the API is
// written with textContent: nothing is ever parsed as HTML.
'use strict';

const V = (() => {
  let strings = {};
  let session = null;

  function t(key) {
    return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  }

  // t() with {0}, {1}... replaced by the arguments (as text).
  function tf(key, ...args) {
    return t(key).replace(/\{(\d)\}/g, (m, n) => (args[n] === undefined ? m : String(args[n])));
  }

  async function api(method, path, body) {
    if (body === undefined) return send(method, path, undefined, '');
    return send(method, path, JSON.stringify(body), 'application/json');
  }

  // A file as the request's body (a scan: its own image or PDF type).
  async function upload(method, path, blob, type) {
    return send(method, path, blob, type);
  }

  async function send(method, path, body, type) {
    const opts = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = type;
      opts.body = body;
    }
    if (method !== 'GET' && session) opts.headers['X-CSRF-Token'] = session.csrf_token;
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      return { status: 0, ok: false, data: { error: { message: t('error.network') } } };
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    // The store was locked meanwhile (idle, or by another operator).
    if (res.status === 423 && location.pathname !== '/unlock') location.href = '/unlock';
    return { status: res.status, ok: res.ok, data };
  }

  function errorText(reply) {
    if (reply && reply.data && reply.data.error && reply.data.error.message) return reply.data.error.message;
    return tf('error.status', reply ? reply.status : 0);
  }

  // Creates an element; `text` (if given) becomes its textContent.
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function link(href, text, cls) {
    const a = el('a', text, cls);
    a.href = href;
    return a;
  }

  function setText(id, value) {
    const e = document.getElementById(id);
    if (e) e.textContent = value === undefined || value === null ? '' : String(value);
  }

  function showMessage(id, text, kind) {
    const e = document.getElementById(id);
    if (!e) return;
    e.textContent = text || '';
    e.hidden = !text;
    e.className = 'message' + (kind ? ' ' + kind : '');
  }

  function param(name) {
    return new URLSearchParams(location.search).get(name) || '';
  }

  // A message to show on the next page (after a save that navigates).
  function flash(text) {
    sessionStorage.setItem('simpul_flash', text);
  }
  function showFlash(id) {
    const text = sessionStorage.getItem('simpul_flash');
    sessionStorage.removeItem('simpul_flash');
    if (text) showMessage(id, text, 'ok');
  }

  function translatePage() {
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
    for (const e of document.querySelectorAll('[data-t-placeholder]')) e.placeholder = t(e.dataset.tPlaceholder);
  }

  function storedLang() {
    const l = localStorage.getItem('simpul_lang');
    return l === 'en' ? 'en' : 'id';  // Bahasa Indonesia unless chosen otherwise
  }

  async function loadStrings(lang) {
    const r = await api('GET', '/api/v1/strings?lang=' + encodeURIComponent(lang));
    if (r.ok && r.data && r.data.strings) strings = r.data.strings;
    document.documentElement.lang = lang;
  }

  function renderHeader(active) {
    const top = document.getElementById('top');
    if (!top || !session) return;
    const home = link('/', session.village_name || t('app.title'), 'brand');
    const nav = el('nav', null, 'nav');
    nav.setAttribute('aria-label', t('app.title'));
    for (const [key, href] of [['find', '/'], ['register', '/register'], ['board', '/board'], ['cases', '/cases'],
                               ['conflicts', '/conflicts'], ['messages', '/messages'], ['registrations', '/registrations'],
                               ['sync', '/sync']]) {
      const a = link(href, t('nav.' + key), key === active ? 'active' : '');
      a.id = 'nav-' + key;
      if (key === active) a.setAttribute('aria-current', 'page');
      nav.append(a);
    }
    const who = el('span', session.name + ' · ' + t('role.' + session.role), 'who');
    who.id = 'who';
    who.title = who.textContent;
    const langBtn = el('button', session.lang === 'id' ? 'English' : 'Bahasa Indonesia', 'link');
    langBtn.type = 'button';
    langBtn.id = 'switch-lang';
    langBtn.addEventListener('click', async () => {
      const next = session.lang === 'id' ? 'en' : 'id';
      const r = await api('PUT', '/api/v1/session/lang', { lang: next });
      if (r.ok) {
        localStorage.setItem('simpul_lang', next);
        location.reload();
      }
    });
    const lock = el('button', t('app.lock'), 'link');
    lock.type = 'button';
    lock.id = 'lock';
    lock.addEventListener('click', async () => {
      await api('POST', '/api/v1/lock');
      location.href = '/unlock';
    });
    const out = el('button', t('app.sign_out'), 'link');
    out.type = 'button';
    out.id = 'sign-out';
    out.addEventListener('click', async () => {
      await api('DELETE', '/api/v1/session');
      location.href = '/signin';
    });
    top.replaceChildren(home, nav, el('span', '', 'spacer'), who, langBtn, lock, out);
  }

  // Loads the session (or goes to the unlock or sign-in page), the strings
  // and the header. Returns the session, or null.
  async function start(active) {
    const r = await api('GET', '/api/v1/session');
    if (r.status === 423) return null;  // api() went to /unlock
    if (r.status === 401) {
      location.href = '/signin';
      return null;
    }
    if (!r.ok) {
      await loadStrings(storedLang());
      translatePage();
      showMessage('message', errorText(r), 'error');
      return null;
    }
    session = r.data;
    localStorage.setItem('simpul_lang', session.lang);
    await loadStrings(session.lang);
    translatePage();
    renderHeader(active);
    document.title = t('nav.' + active) + ' · ' + (session.village_name || 'Simpul');
    return session;
  }

  // --- forms ---------------------------------------------------------------

  // name -> value of every named field of `form`.
  function formValues(form) {
    const out = {};
    for (const e of form.querySelectorAll('input[name], select[name], textarea[name]')) out[e.name] = e.value.trim();
    return out;
  }

  function clearErrors(form) {
    for (const e of form.querySelectorAll('.field-error')) e.remove();
    for (const e of form.querySelectorAll('[aria-invalid]')) {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    }
  }

  function clearFieldError(input) {
    const next = document.getElementById('err-' + input.id);
    if (next) next.remove();
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }

  // Shows `message` under the field named `name` (its typed value stays),
  // and focuses it. False when the form has no such field.
  function fieldError(form, name, message, focus = true) {
    const input = name ? form.querySelector('[name="' + CSS.escape(name) + '"]') : null;
    if (!input) return false;
    clearFieldError(input);
    const p = el('p', message, 'field-error');
    p.id = 'err-' + input.id;
    p.setAttribute('role', 'alert');
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', p.id);
    const label = input.closest('label');
    if (label) label.append(p);  // under the field, inside its label
    else input.after(p);
    if (focus) input.focus();
    return true;
  }

  function option(value, text) {
    const o = el('option', text);
    o.value = value;
    return o;
  }

  // fn, called `ms` after the last call; .cancel() drops a pending call.
  function debounce(fn, ms) {
    let timer = null;
    const call = (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
    call.cancel = () => clearTimeout(timer);
    return call;
  }

  // A household as a card: the KK and address, then its members, each with
  // "new application"; `withOpen` adds a link to the household's page.
  // `onEdit(member|null)`: the household page's "change" buttons (null: the
  // household's own address and KK).
  function householdCard(h, withOpen, onEdit) {
    const card = el('section', null, 'card household');
    const head = el('h2');
    head.append(el('span', t('hh.kk') + ' ' + (h.no_kk || '—')), el('span', ' · ' + h.address, 'muted'));
    if (h.rt || h.rw) head.append(el('span', ' ' + t('hh.rt') + ' ' + h.rt + ' / ' + t('hh.rw') + ' ' + h.rw, 'muted'));
    card.append(head);
    const table = el('table', null, 'list');
    const tr = el('tr');
    for (const k of ['p.name', 'p.nik', 'p.relation', 'p.birth_date', '']) tr.append(el('th', k ? t(k) : ''));
    const thead = el('thead');
    thead.append(tr);
    const tbody = el('tbody');
    for (const m of h.members) {
      const row = el('tr');
      row.append(el('td', m.name), el('td', m.nik), el('td', m.relation_label), el('td', m.birth_date));
      const td = el('td');
      if (session && session.may.record) {
        const a = link('/application?new=1&household=' + encodeURIComponent(h.id) + '&applicant=' +
                         encodeURIComponent(m.id), t('hh.new_application'), 'button small');
        td.append(a);
        if (onEdit) {
          const b = el('button', t('hh.edit_person'), 'small');
          b.type = 'button';
          b.id = 'edit-' + m.id;
          b.addEventListener('click', () => onEdit(m));
          td.append(' ', b);
        }
      }
      row.append(td);
      tbody.append(row);
    }
    table.append(thead, tbody);
    card.append(table);
    if (onEdit && session && session.may.record) {
      const b = el('button', t('hh.edit_household'), 'small');
      b.type = 'button';
      b.id = 'edit-household';
      b.addEventListener('click', () => onEdit(null));
      card.append(b);
    }
    if (withOpen) {
      const open = link('/household?id=' + encodeURIComponent(h.id), t('hh.open'), 'open');
      card.append(open);
    }
    return card;
  }

  return { t, tf, api, upload, errorText, el, link, setText, showMessage, param, flash, showFlash, translatePage,
           storedLang, loadStrings, start, formValues, clearErrors, clearFieldError, fieldError, option, debounce, householdCard,
           session: () => session };
})();
