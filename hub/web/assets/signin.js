// The sign-in page.
'use strict';

(async () => {
  const S = Simpul;
  const langSelect = document.getElementById('lang');
  let lang = localStorage.getItem('simpul_lang') || 'id';
  if (lang !== 'id' && lang !== 'en') lang = 'id';
  langSelect.value = lang;
  await S.loadStrings(lang);
  S.translatePage();
  // Where to go once signed in: the page a timed-out session was on (a
  // path of this site only, never another host).
  const params = new URLSearchParams(location.search);
  const asked = params.get('next') || '';
  const next = /^\/(?![\/\\])/.test(asked) ? asked : '/';
  // Already signed in: straight on.
  const current = await S.api('GET', '/api/v1/session');
  if (current.ok) {
    location.href = next;
    return;
  }
  if (params.get('ended') === '1') S.showMessage('message', S.t('signin.ended'), 'info');
  langSelect.addEventListener('change', async () => {
    localStorage.setItem('simpul_lang', langSelect.value);
    await S.loadStrings(langSelect.value);
    S.translatePage();
  });
  document.getElementById('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = document.getElementById('signin-submit');
    button.disabled = true;
    S.showMessage('message', S.t('signin.working'), 'info');
    const r = await S.api('POST', '/api/v1/session', {
      name: document.getElementById('name').value,
      password: document.getElementById('password').value,
      lang: langSelect.value,
    });
    button.disabled = false;
    if (r.ok) {
      localStorage.setItem('simpul_lang', langSelect.value);
      location.href = next;
      return;
    }
    document.getElementById('password').value = '';
    S.showMessage('message', S.errorText(r), 'error');
  });
})();
