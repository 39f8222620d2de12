// One household: its members (each with "new application" and "change")
// and its applications with their status. A change is sent with the values
// the page showed: changed meanwhile (another tab, a sync) is refused by the
// app with nothing saved, and the page says so.
'use strict';

(async () => {
  if (!(await V.start('find'))) return;
  V.showFlash('message');
  const id = V.param('id');
  const formsReply = await V.api('GET', '/api/v1/forms');
  const forms = formsReply.ok ? formsReply.data : { sexes: [], relations: [] };
  const editCard = document.getElementById('edit');
  const form = document.getElementById('edit-form');
  let household = null;
  let editing = null;  // {kind: 'person'|'household', id, shown: {field: value}}

  const PERSON = [['name', 'p.name'], ['nik', 'p.nik'], ['birth_place', 'p.birth_place'],
                  ['birth_date', 'p.birth_date'], ['sex', 'p.sex', 'sexes'], ['relation', 'p.relation', 'relations'],
                  ['phone', 'p.phone'], ['disability', 'p.disability']];
  const HOUSEHOLD = [['no_kk', 'hh.kk'], ['address', 'hh.address'], ['rt', 'hh.rt'], ['rw', 'hh.rw']];

  function field(name, label, value, choices) {
    const l = V.el('label');
    l.append(V.el('span', V.t(label)));
    let input;
    if (choices) {
      input = V.el('select');
      input.append(V.option('', '—'));
      for (const c of forms[choices] || []) input.append(V.option(c.code, c.label));
    } else {
      input = V.el('input');
      input.autocomplete = 'off';
    }
    input.name = name;
    input.id = 'edit-' + name;
    input.value = value || '';
    l.append(input);
    return l;
  }

  function openEdit(member) {
    const fields = member ? PERSON : HOUSEHOLD;
    const values = member || household;
    editing = { kind: member ? 'person' : 'household', id: member ? member.id : household.id, shown: {} };
    for (const [name] of fields) editing.shown[name] = values[name] || '';
    V.setText('edit-title', member ? V.tf('hh.editing_person', member.name) : V.t('hh.edit_household'));
    const box = document.getElementById('edit-fields');
    box.replaceChildren(...fields.map(([name, label, choices]) => field(name, label, values[name], choices)));
    V.clearErrors(form);
    editCard.hidden = false;
    box.querySelector('input, select').focus();
  }

  async function load() {
    const r = await V.api('GET', '/api/v1/households/' + encodeURIComponent(id));
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    household = r.data;
    document.getElementById('household').replaceChildren(V.householdCard(household, false, openEdit));
    const tbody = document.querySelector('#applications tbody');
    tbody.replaceChildren();
    for (const a of household.applications) {
      const row = V.el('tr');
      const name = V.el('td');
      name.append(V.link('/application?id=' + encodeURIComponent(a.id), a.applicant_name));
      const status = V.el('td');
      status.append(V.el('span', a.status_label, 'badge status-' + a.status));
      row.append(name, V.el('td', a.type_label), status);
      tbody.append(row);
    }
    document.getElementById('no-applications').hidden = household.applications.length > 0;
    document.getElementById('applications').hidden = household.applications.length === 0;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!editing) return;
    V.clearErrors(form);
    const body = V.formValues(form);
    for (const [name, value] of Object.entries(editing.shown)) body['expected.' + name] = value;
    const path = editing.kind === 'person' ? '/api/v1/persons/' : '/api/v1/households/';
    const r = await V.api('PUT', path + encodeURIComponent(editing.id), body);
    if (!r.ok) {
      const err = r.data && r.data.error;
      if (!(err && V.fieldError(form, err.field, V.errorText(r)))) V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    editCard.hidden = true;
    editing = null;
    await load();
    const saved = V.t('hh.saved') + (r.data.warnings.length ? ' ' + r.data.warnings.join(' ') : '');
    V.showMessage('message', saved, r.data.warnings.length ? 'warn' : 'ok');
  });
  document.getElementById('edit-cancel').addEventListener('click', () => {
    editCard.hidden = true;
    editing = null;
  });

  await load();
})();
