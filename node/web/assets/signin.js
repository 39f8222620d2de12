// The sign-in page: a village operator account of the unlocked store.
'use strict';

(async () => {
  const langSelect = document.getElementById('lang');
  langSelect.value = V.storedLang();
  await V.loadStrings(langSelect.value);
  V.translatePage();
  const state = await V.api('GET', '/api/v1/state');
  if (state.ok && state.data.locked) {
    location.href = '/unlock';
    return;
  }
  if (state.ok && state.data.village_name) V.setText('village-name', V.t('app.title') + ' · ' + state.data.village_name);
  const current = await V.api('GET', '/api/v1/session');
  if (current.ok) {
    location.href = '/';
    return;
  }
  langSelect.addEventListener('change', async () => {
    localStorage.setItem('simpul_lang', langSelect.value);
    await V.loadStrings(langSelect.value);
    V.translatePage();
  });
  document.getElementById('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = document.getElementById('signin-submit');
    button.disabled = true;
    V.showMessage('message', V.t('signin.working'), 'info');
    const r = await V.api('POST', '/api/v1/session', {
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
    V.showMessage('message', V.errorText(r), 'error');
    document.getElementById('password').focus();
  });
})();
