// The kiosk's poster, to print and put up at the office: its QR code (an
// SVG the laptop draws, /api/v1/kiosk/qr.svg) and its address in text.
'use strict';

(async () => {
  const session = await V.start('registrations');
  if (!session) return;
  const r = await V.api('GET', '/api/v1/registrations');
  if (!r.ok || !r.data.kiosk_url) {
    V.showMessage('message', r.ok ? V.t('kreg.kiosk_off') : V.errorText(r), 'error');
    return;
  }
  V.setText('poster-village', session.village_name || '');
  V.setText('kiosk-url', r.data.kiosk_url);
  document.getElementById('qr').src = '/api/v1/kiosk/qr.svg';
  document.getElementById('poster').hidden = false;
  document.getElementById('print').addEventListener('click', () => window.print());
})();
