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
  // Already signed in: straight to the queue.
  const current = await S.api('GET', '/api/v1/session');
  if (current.ok) {
    location.href = '/';
    return;
  }
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
      location.href = '/';
      return;
    }
    document.getElementById('password').value = '';
    S.showMessage('message', S.errorText(r), 'error');
  });
})();
