// The cases page (B'DESUT): record a new case (the reporter found by name
// or NIK, never an id typed) and the village's cases by due time, overdue
// ones highlighted with how late they are.
'use strict';

(async () => {
  const session = await V.start('cases');
  if (!session) return;
  V.showFlash('message');
  const form = document.getElementById('case-form');
  const person = document.getElementById('person_id');
  const household = document.getElementById('household_id');

  function noPerson() {
    person.replaceChildren(V.option('', V.t('cases.no_person')));
    household.value = '';
  }

  function render(data) {
    const tbody = document.querySelector('#cases tbody');
    tbody.replaceChildren();
    for (const c of data.items) {
      const tr = V.el('tr', null, c.overdue ? 'overdue' : '');
      const number = V.el('td');
      number.append(V.link('/case?id=' + encodeURIComponent(c.id), c.number || V.t('cases.number_pending')));
      const status = V.el('td');
      status.append(V.el('span', c.status_label, 'badge case-' + c.status));
      const due = V.el('td', null, 'nowrap');
      if (!c.settled) {
        due.append(V.el('span', V.tf('cases.due', c.due_text)));
        if (c.overdue) due.append(V.el('strong', ' · ' + V.tf('cases.overdue', c.overdue_text), 'late'));
      }
      tr.append(number, V.el('td', c.category_label), V.el('td', c.urgency_label), V.el('td', c.person_name), status, due);
      tbody.append(tr);
    }
    document.getElementById('no-cases').hidden = data.items.length > 0;
    document.getElementById('cases').hidden = data.items.length === 0;
    const count = document.getElementById('overdue-count');
    count.hidden = data.overdue === 0;
    count.textContent = V.tf('cases.overdue_count', data.overdue);
  }

  async function load() {
    const r = await V.api('GET', '/api/v1/cases');
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return null;
    }
    render(r.data);
    return r.data;
  }

  const data = await load();
  if (!data || !session.may.record) return;
  const category = document.getElementById('category');
  category.append(V.option('', V.t('app.choose')));
  for (const c of data.categories) category.append(V.option(c.code, c.label));
  const urgency = document.getElementById('urgency');
  for (const u of data.urgencies) urgency.append(V.option(u.code, u.label));
  urgency.value = 'normal';
  noPerson();
  form.hidden = false;

  // The reporter: found among the registered residents by name or NIK.
  async function findPerson() {
    const q = document.getElementById('reporter-q').value.trim();
    noPerson();
    if (q.length < 2) return;
    const r = await V.api('GET', '/api/v1/search?q=' + encodeURIComponent(q));
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    // The members the words name (by name or NIK); found by No. KK, the
    // whole household.
    const named = (m) => m.name.toLowerCase().includes(q.toLowerCase()) || (m.nik && m.nik.startsWith(q));
    for (const h of r.data.households) {
      const members = h.members.some(named) ? h.members.filter(named) : h.members;
      for (const m of members) {
        const o = V.option(m.id, m.name + (m.nik ? ' · ' + m.nik : '') + ' · ' + h.address);
        o.dataset.household = h.id;
        person.append(o);
      }
    }
    if (person.options.length > 1) {
      person.selectedIndex = 1;
      household.value = person.options[1].dataset.household;
    }
  }
  document.getElementById('find-person').addEventListener('click', findPerson);
  document.getElementById('reporter-q').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      findPerson();
    }
  });
  person.addEventListener('change', () => {
    const o = person.options[person.selectedIndex];
    household.value = o && o.dataset.household ? o.dataset.household : '';
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    V.clearErrors(form);
    V.showMessage('message', '');
    const save = document.getElementById('save-case');
    save.disabled = true;
    const body = V.formValues(form);
    const r = await V.api('POST', '/api/v1/cases', body);
    save.disabled = false;
    if (!r.ok) {
      const err = r.data && r.data.error;
      if (!err || !V.fieldError(form, err.field, V.errorText(r))) V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    V.flash(V.t('cases.saved') + ' ' + V.tf('cases.due', r.data.due_text));
    location.href = '/case?id=' + encodeURIComponent(r.data.id);
  });
})();
