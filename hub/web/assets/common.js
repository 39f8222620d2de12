// Shared by every page of the Dinsos web app: the API client (session
// cookie + X-CSRF-Token on every change), the page strings in the chosen
// language, and element helpers that write every value with textContent.
// No value from the API is ever parsed as HTML.
'use strict';

const Simpul = (() => {
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
    const opts = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
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

  function translatePage() {
    document.documentElement.lang = session ? session.lang : document.documentElement.lang;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
    for (const e of document.querySelectorAll('[data-t-placeholder]')) e.placeholder = t(e.dataset.tPlaceholder);
  }

  async function loadStrings(lang) {
    const r = await api('GET', '/api/v1/strings?lang=' + encodeURIComponent(lang));
    if (r.ok && r.data && r.data.strings) strings = r.data.strings;
    document.documentElement.lang = lang;
  }

  function renderHeader() {
    const top = document.getElementById('top');
    if (!top || !session) return;
    const home = el('a', t('app.title'), 'brand');
    home.href = '/';
    const hub = el('span', session.hub, 'hub-name');
    const who = el('span', session.name + ' · ' + t('role.' + session.role), 'who');
    who.id = 'who';
    const langBtn = el('button', session.lang === 'id' ? 'English' : 'Bahasa Indonesia', 'link');
    langBtn.type = 'button';
    langBtn.id = 'switch-lang';
    langBtn.addEventListener('click', async () => {
      const r = await api('PUT', '/api/v1/session/lang', { lang: session.lang === 'id' ? 'en' : 'id' });
      if (r.ok) location.reload();
    });
    const out = el('button', t('app.sign_out'), 'link');
    out.type = 'button';
    out.id = 'sign-out';
    out.addEventListener('click', async () => {
      await api('DELETE', '/api/v1/session');
      sessionStorage.removeItem('simpul_signed_in');
      location.href = '/signin';
    });
    // The office's pages (the current one marked).
    const nav = el('nav');
    nav.setAttribute('aria-label', 'Simpul');
    const pages = [['/', 'nav.queue'], ['/cases', 'nav.cases'], ['/dashboard', 'nav.dashboard'], ['/villages', 'nav.villages']];
    if (session.may && session.may.audit) pages.push(['/audit', 'nav.audit']);
    for (const [href, key] of pages) {
      const here = location.pathname === href || (href === '/cases' && location.pathname === '/case');
      const a = el('a', t(key), here ? 'current' : '');
      a.href = href;
      nav.append(a);
    }
    top.replaceChildren(home, hub, nav, el('span', '', 'spacer'), who, langBtn, out);
  }

  // Loads the session (or goes to the sign-in page), the strings, the
  // header. Returns the session.
  async function start() {
    const r = await api('GET', '/api/v1/session');
    if (r.status === 401) {
      // Signed in before in this tab and refused now: the session ran out
      // (idle timeout). The sign-in page says so and comes back here.
      const ended = sessionStorage.getItem('simpul_signed_in') === '1';
      sessionStorage.removeItem('simpul_signed_in');
      location.href = ended ? '/signin?ended=1&next=' + encodeURIComponent(location.pathname + location.search)
                            : '/signin';
      return null;
    }
    if (!r.ok) {
      await loadStrings(localStorage.getItem('simpul_lang') || 'id');
      translatePage();
      showMessage('message', errorText(r), 'error');
      return null;
    }
    session = r.data;
    sessionStorage.setItem('simpul_signed_in', '1');
    localStorage.setItem('simpul_lang', session.lang);
    await loadStrings(session.lang);
    translatePage();
    renderHeader();
    return session;
  }

  function formatSize(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + ' MB';
    if (bytes >= 1024) return Math.round(bytes / 1024) + ' KB';
    return bytes + ' B';
  }

  return { t, tf, api, errorText, el, setText, showMessage, translatePage, loadStrings, start, formatSize,
           session: () => session };
})();
