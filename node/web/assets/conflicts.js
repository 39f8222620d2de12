// Conflicts: the same field changed here and at Dinsos before they synced.
// Both values side by side in words, who wrote each and when; keep one or
// write the right one. The page sends the value it showed as the field's
// current one: a conflict decided meanwhile (another tab, another operator)
// is refused with nothing written, and the list is read again.
'use strict';

(async () => {
  const session = await V.start('conflicts');
  if (!session) return;
  const list = document.getElementById('conflicts');

  async function resolve(c, body, card) {
    for (const b of card.querySelectorAll('button')) b.disabled = true;
    const r = await V.api('POST', '/api/v1/conflicts/' + encodeURIComponent(c.id) + '/resolve',
                          Object.assign({ expected_current: c.current }, body));
    if (!r.ok) {
      const err = r.data && r.data.error;
      const form = card.querySelector('form');
      for (const b of card.querySelectorAll('button')) b.disabled = false;
      if (r.status !== 409 && err && err.field === 'value' && form && V.fieldError(form, 'value', V.errorText(r))) return;
      V.showMessage('message', V.errorText(r), 'error');
      if (r.status === 409) await load();
      return;
    }
    V.showMessage('message', V.t('conflicts.resolved'), 'ok');
    await load();
  }

  function side(c, key, title, mayKeep, card) {
    const s = c[key];
    const box = V.el('div', null, 'side side-' + key);
    box.append(V.el('h3', title, 'small muted'));
    box.append(V.el('p', s.text || V.t('conflicts.empty'), 'lead value'));
    if (s.when) box.append(V.el('p', V.tf('conflicts.written', s.when, s.by), 'muted small'));
    if (mayKeep) {
      const b = V.el('button', V.t('conflicts.keep'), key === 'winner' ? '' : 'primary');
      b.type = 'button';
      b.id = 'keep-' + key + '-' + c.id;
      b.addEventListener('click', () => resolve(c, { keep: key }, card));
      box.append(b);
    }
    return box;
  }

  function render(items) {
    list.replaceChildren();
    for (const c of items) {
      const card = V.el('section', null, 'card conflict');
      card.id = 'conflict-' + c.id;
      card.append(V.el('h2', c.what + ' · ' + c.field_label));
      const row = V.el('div', null, 'sides');
      const mayRecord = session.may.record;
      row.append(side(c, 'winner', V.t('conflicts.kept'), mayRecord, card),
                 side(c, 'loser', V.t('conflicts.other'), mayRecord && c.village_may_write, card));
      card.append(row);
      if (mayRecord && c.village_may_write) {
        const form = V.el('form', null, 'row no-print');
        form.noValidate = true;
        const label = V.el('label', null, 'grow');
        const input = V.el('input');
        input.name = 'value';
        input.id = 'value-' + c.id;
        input.maxLength = 2000;
        input.autocomplete = 'off';
        label.append(V.el('span', V.t('conflicts.new_value')), input);
        const save = V.el('button', V.t('conflicts.save_value'));
        save.type = 'submit';
        const buttons = V.el('div', null, 'buttons');
        buttons.append(save);
        form.append(label, buttons);
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          V.clearErrors(form);
          resolve(c, { keep: 'value', value: input.value.trim() }, card);
        });
        card.append(form);
      } else if (mayRecord) {
        card.append(V.el('p', V.t('conflicts.hub_only'), 'muted small'));
      }
      list.append(card);
    }
    document.getElementById('no-conflicts').hidden = items.length > 0;
  }

  async function load() {
    const r = await V.api('GET', '/api/v1/conflicts');
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return;
    }
    render(r.data.items);
  }

  await load();
})();
