// Register a household and its members in one save. As the operator types a
// NIK, the app decodes it (region, birth date, sex) through the API's NIK
// check and fills the birth date and sex when still empty; errors are shown
// under the field they are about, and every typed value stays. With
// ?registration=ID the form reviews a resident's kiosk registration
// (review.js): prefilled, and saving accepts it.
'use strict';

(async () => {
  const reviewing = V.param('registration');
  if (!(await V.start(reviewing ? 'registrations' : 'register'))) return;
  const formsReply = await V.api('GET', '/api/v1/forms');
  if (!formsReply.ok) {
    V.showMessage('message', V.errorText(formsReply), 'error');
    return;
  }
  const forms = formsReply.data;
  const form = document.getElementById('register-form');
  const members = document.getElementById('members');
  let next = 0;

  function input(name, label, opts = {}) {
    const wrap = V.el('label', null, opts.cls || '');
    wrap.append(V.el('span', label));
    const i = V.el(opts.select ? 'select' : 'input');
    i.name = name;
    i.id = name.replace('.', '-');
    if (opts.select) {
      i.append(V.option('', V.t('app.choose')));
      for (const c of opts.select) i.append(V.option(c.code, c.label));
    } else {
      i.autocomplete = 'off';
      i.maxLength = opts.max || 120;
      if (opts.numeric) i.inputMode = 'numeric';
      if (opts.placeholder) i.placeholder = opts.placeholder;
    }
    wrap.append(i);
    return wrap;
  }

  // The NIK's decoding, live: shown under the field as the operator types.
  // A reply that is no longer the newest question (the operator typed on,
  // or saved meanwhile) is dropped: it must not hide a newer message.
  const asked = {};
  const pending = [];  // the members' debounced live checks
  let saves = 0;
  async function checkNik(prefix, showErrors) {
    const ticket = (asked[prefix] = (asked[prefix] || 0) + 1);
    const saved = saves;
    const current = () => asked[prefix] === ticket && saves === saved;
    const nik = form.querySelector('[name="' + prefix + 'nik"]');
    const info = document.getElementById(prefix.replace('.', '-') + 'nik-info');
    const digits = nik.value.replace(/[\s.-]/g, '');
    info.replaceChildren();
    V.clearFieldError(nik);
    if (!digits || (digits.length < 16 && !showErrors)) return;
    const sex = form.querySelector('[name="' + prefix + 'sex"]');
    const birth = form.querySelector('[name="' + prefix + 'birth_date"]');
    const r = await V.api('POST', '/api/v1/check/nik', { nik: nik.value, sex: sex.value, birth_date: birth.value });
    if (!current()) return;
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    if (!r.data.valid) {
      V.fieldError(form, prefix + 'nik', r.data.message, false);
      return;
    }
    if (!birth.value) birth.value = r.data.birth_date;
    if (!sex.value) sex.value = r.data.sex;
    info.append(V.el('span', V.tf('nik.decoded', r.data.sex_label, r.data.birth_date_text, r.data.region), 'decoded'));
    for (const w of r.data.warnings) info.append(V.el('span', w, 'warn'));
    for (const p of r.data.registered) info.append(V.el('span', V.tf('nik.registered', p.name), 'warn'));
    if (r.data.dtks_text) info.append(V.el('span', r.data.dtks_text, 'dtks' + (r.data.dtks_listed ? ' listed' : '')));
  }

  function addMember() {
    const i = next++;
    const prefix = 'm' + i + '.';
    const box = V.el('fieldset', null, 'card member');
    box.dataset.prefix = prefix;
    const legend = V.el('legend', V.tf('reg.member_n', members.children.length + 1));
    box.append(legend);
    const row1 = V.el('div', null, 'row');
    row1.append(input(prefix + 'name', V.t('p.name'), { cls: 'grow' }),
                input(prefix + 'nik', V.t('p.nik'), { cls: 'w16', numeric: true, max: 24 }),
                input(prefix + 'relation', V.t('p.relation'), { select: forms.relations }));
    const info = V.el('p', null, 'nik-info');
    info.id = prefix.replace('.', '-') + 'nik-info';
    info.setAttribute('aria-live', 'polite');
    const row2 = V.el('div', null, 'row');
    row2.append(input(prefix + 'birth_place', V.t('p.birth_place'), { max: 100 }),
                input(prefix + 'birth_date', V.t('p.birth_date'), { cls: 'w10', max: 10, placeholder: V.t('p.date_hint') }),
                input(prefix + 'sex', V.t('p.sex'), { select: forms.sexes }),
                input(prefix + 'phone', V.t('p.phone'), { max: 20 }),
                input(prefix + 'phone_consent', V.t('p.phone_consent'),
                      { select: [{ code: 'ya', label: V.t('p.consent_yes') }, { code: 'tidak', label: V.t('p.consent_no') }] }),
                input(prefix + 'disability', V.t('p.disability'), { cls: 'grow', max: 300 }));
    box.append(row1, info, row2);
    if (members.children.length > 0) {
      const remove = V.el('button', V.t('reg.remove_member'), 'link');
      remove.type = 'button';
      remove.addEventListener('click', () => {
        box.remove();
        [...members.children].forEach((m, n) => { m.querySelector('legend').textContent = V.tf('reg.member_n', n + 1); });
      });
      box.append(remove);
    } else {
      box.querySelector('[name="' + prefix + 'relation"]').value = '1';  // the first member is the head
    }
    members.append(box);
    const nik = box.querySelector('[name="' + prefix + 'nik"]');
    const live = V.debounce(() => checkNik(prefix, false), 250);
    pending.push(live);
    nik.addEventListener('input', live);
    nik.addEventListener('change', () => {
      live.cancel();
      checkNik(prefix, true);
    });
    for (const e of box.querySelectorAll('input, select'))
      e.addEventListener('input', () => V.clearFieldError(e));
    return box;
  }

  addMember();
  let savePath = '/api/v1/households';
  if (reviewing) {
    savePath = await Review.setup(reviewing, form, forms, addMember, (prefix) => checkNik(prefix, true));
    if (!savePath) return;
  }
  document.getElementById('add-member').addEventListener('click', () => {
    addMember().querySelector('input').focus();
  });
  form.querySelector('#no_kk').addEventListener('change', async (ev) => {
    const kk = ev.target;
    V.clearFieldError(kk);
    if (!kk.value.trim()) return;
    const r = await V.api('POST', '/api/v1/check/kk', { no_kk: kk.value });
    if (r.ok && !r.data.valid) V.fieldError(form, 'no_kk', r.data.message, false);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    saves++;  // checks still on their way are older than this save's verdict
    for (const live of pending) live.cancel();
    V.clearErrors(form);
    V.showMessage('message', '');
    const save = document.getElementById('save');
    save.disabled = true;
    save.textContent = V.t('app.saving');
    const r = await V.api('POST', savePath, V.formValues(form));
    save.disabled = false;
    save.textContent = V.t(reviewing ? 'kreg.accept' : 'reg.save');
    if (r.ok) {
      V.flash([V.t(reviewing ? 'kreg.accepted' : 'reg.saved'), ...r.data.warnings].join(' '));
      location.href = '/household?id=' + encodeURIComponent(reviewing ? r.data.household_id : r.data.id);
      return;
    }
    const field = r.data && r.data.error ? r.data.error.field : '';
    if (!V.fieldError(form, field, V.errorText(r))) V.showMessage('message', V.errorText(r), 'error');
  });
})();
