// The register form in review mode (/register?registration=ID): a
// resident's kiosk registration prefilled into the same form and its live
// checks, with the photos of the KK/KTP beside it, the service the resident
// chose, and a reject box. Saving accepts it (only then it is recorded).
'use strict';

const Review = (() => {
  // Loads registration `id` into `form`; `addMember()` adds a member box
  // (the first exists), `checkNik(prefix)` runs the NIK's live check.
  // Returns the path the form is then saved to, or null (message shown).
  async function setup(id, form, forms, addMember, checkNik) {
    const r = await V.api('GET', '/api/v1/registrations/' + encodeURIComponent(id));
    if (!r.ok) {
      V.showMessage('message', V.errorText(r), 'error');
      return null;
    }
    const g = r.data;
    const f = g.fields;
    document.querySelector('h1').textContent = V.tf('kreg.review_title', g.receipt);
    document.title = V.tf('kreg.review_title', g.receipt);
    const intro = V.el('p', V.tf('kreg.review_intro', g.submitted), 'muted');
    intro.id = 'review-intro';
    document.querySelector('h1').after(intro);
    for (const k of ['no_kk', 'address', 'rt', 'rw']) if (f[k]) form.querySelector('[name="' + k + '"]').value = f[k];
    // The resident's members in order, into the form's m0., m1., ...
    const indices = [...new Set(Object.keys(f).filter((k) => /^m\d+\./.test(k)).map((k) => Number(k.slice(1, k.indexOf('.')))))]
      .sort((a, b) => a - b);
    indices.forEach((from, n) => {
      const box = n === 0 ? form.querySelector('#members fieldset') : addMember();
      const prefix = box.dataset.prefix;
      for (const [k, v] of Object.entries(f)) {
        if (!k.startsWith('m' + from + '.')) continue;
        const input = form.querySelector('[name="' + CSS.escape(prefix + k.slice(k.indexOf('.') + 1)) + '"]');
        if (input) input.value = v;
      }
      if (form.querySelector('[name="' + prefix + 'nik"]').value) checkNik(prefix);
    });
    // The service the resident chose: a draft application on acceptance.
    const card = V.el('fieldset', null, 'card');
    card.id = 'review';
    card.append(V.el('legend', V.t('kreg.service')));
    const row = V.el('div', null, 'row');
    const service = V.el('select');
    service.name = 'service';
    service.id = 'service';
    service.append(V.option('', V.t('kreg.no_service')));
    for (const t of forms.types) service.append(V.option(t.code, t.label));
    service.value = f.service || '';
    const purpose = V.el('input');
    purpose.name = 'purpose';
    purpose.id = 'purpose';
    purpose.maxLength = 300;
    purpose.value = f.purpose || '';
    const l1 = V.el('label', null, 'grow');
    l1.append(V.el('span', V.t('app.type')), service);
    const l2 = V.el('label', null, 'grow');
    l2.append(V.el('span', V.t('app.purpose')), purpose);
    row.append(l1, l2);
    card.append(row);
    const photos = V.el('div', null, 'review-photos');
    for (const p of g.photos) {
      const fig = V.el('figure');
      const img = V.el('img');
      img.src = p.url;
      img.alt = p.label;
      img.id = 'photo-' + p.kind;
      fig.append(img, V.el('figcaption', p.label));
      photos.append(fig);
    }
    if (!g.photos.length) photos.append(V.el('p', V.t('kreg.no_photos'), 'muted'));
    card.append(photos);
    form.querySelector('.buttons').before(card);
    V.setText('save', V.t('kreg.accept'));
    // Rejecting: outside the form, with its reason.
    const reject = V.el('div', null, 'card no-print');
    const reason = V.el('input');
    reason.id = 'reject-reason';
    reason.maxLength = 300;
    const rl = V.el('label');
    rl.append(V.el('span', V.t('kreg.reject_reason')), reason);
    const button = V.el('button', V.t('kreg.reject'));
    button.type = 'button';
    button.id = 'reject';
    button.addEventListener('click', async () => {
      const rr = await V.api('POST', '/api/v1/registrations/' + encodeURIComponent(id) + '/reject', { reason: reason.value });
      if (rr.ok) {
        V.flash(V.t('kreg.rejected'));
        location.href = '/registrations';
        return;
      }
      V.showMessage('message', V.errorText(rr), 'error');
    });
    reject.append(rl, button);
    form.after(reject);
    return '/api/v1/registrations/' + encodeURIComponent(id) + '/accept';
  }

  return { setup };
})();
