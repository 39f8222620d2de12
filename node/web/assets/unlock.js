// The unlock page: the office passphrase opens the encrypted village store.
'use strict';

(async () => {
  const langSelect = document.getElementById('lang');
  langSelect.value = V.storedLang();
  await V.loadStrings(langSelect.value);
  V.translatePage();
  const state = await V.api('GET', '/api/v1/state');
  if (state.ok && !state.data.locked) {
    location.href = '/signin';
    return;
  }
  langSelect.addEventListener('change', async () => {
    localStorage.setItem('simpul_lang', langSelect.value);
    await V.loadStrings(langSelect.value);
    V.translatePage();
  });
  const input = document.getElementById('passphrase');
  document.getElementById('unlock-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = document.getElementById('unlock-submit');
    button.disabled = true;
    V.showMessage('message', V.t('unlock.working'), 'info');
    const r = await V.api('POST', '/api/v1/unlock', { passphrase: input.value, lang: langSelect.value });
    button.disabled = false;
    input.value = '';
    if (r.ok) {
      location.href = '/signin';
      return;
    }
    V.showMessage('message', V.errorText(r), 'error');
    input.focus();
  });
})();
