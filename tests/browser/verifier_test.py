"""The Dinsos web app in a real headless Chromium, against the real
simpul-hub with data pushed by a real simpul-node (simpul_env.py), driven
as a person would: type, click, read.

  verifier: signs in, filters the queue, opens an application, views a
            scanned document, returns it with a reason (the village sees it)
  official: approves, issues the letter, opens the PDF; the dashboard's
            charts load and its time to letter changes with that letter
  safety:   names with markup and quotes render as text; a missing or forged
            CSRF token, a role beyond its permission and a decision on an
            application another verifier just decided are refused, with
            nothing changed; failed sign-ins are audited
  pages:    1366x768 without horizontal scrolling; a print stylesheet

Screenshots and the printed page go to $SIMPUL_ARTIFACT_DIR/browser-verifier/.
"""
import base64
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simpul_env import PASSWORDS, SimpulEnv, fetch, open_dashboard, pdf_bytes, png_bytes, sign_in, text_of, wait  # noqa: E402

try:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
except ImportError as missing:  # a failure, never a skip: CI must have the stack
    sys.exit('browser test: python3-selenium is missing (tools/setup.sh installs it): %s' % missing)

XSS = '<script>alert(1)</script>'


class VerifierTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = SimpulEnv('verifier').start()
        e = cls.env
        cls.apps = {
            'xss': e.add_application(XSS, '3510015211870002', '3510011211870001',
                                     scans=[('kk', 'scan-kk.png', png_bytes()), ('ktp', 'ktp.pdf', pdf_bytes())]),
            'bau': e.add_application("Ba'u", '3510015211870003', '3510011211870002'),
            'siti': e.add_application('Siti Aminah', '3510015211870004', '3510011211870003'),
            'dewi': e.add_application('Dewi Lestari', '3510015211870005', '3510011211870004'),
            'rina': e.add_application('Rina Wati', '3510015211870006', '3510011211870005'),
        }
        summary = e.sync()
        # The two scans of the first, and the required KK and KTP the others
        # share (add_application: the same bytes, sent once).
        assert summary.get('refused') == 0 and summary.get('docs_sent') == 4, summary

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    # --- helpers ---------------------------------------------------------------

    def sign_in(self, user, password=None):
        return sign_in(self.env, user, password)

    def open_application(self, d, key):
        d.get(self.env.url('/application?id=' + self.apps[key]))
        wait(d, lambda drv: drv.find_element(By.ID, 'app-title').text != '')
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#history tbody tr'))

    def act(self, d, action, reason=None):
        if reason is not None:
            box = d.find_element(By.ID, 'reason')
            box.clear()
            box.send_keys(reason)
        d.find_element(By.ID, 'action-' + action).click()
        wait(d, EC.visibility_of_element_located((By.ID, 'confirm-yes')))
        d.find_element(By.ID, 'confirm-yes').click()

    def hub_json(self, *args):
        return json.loads(self.env.hub('--json', *args).stdout)

    def events_of(self, key):
        return [e['kind'] for e in self.hub_json('application', 'show', self.apps[key])['events']]

    def assert_no_alert(self, d):
        with self.assertRaises(NoAlertPresentException):
            d.switch_to.alert.text

    def assert_fits(self, d):
        width = d.execute_script('return document.documentElement.scrollWidth')
        self.assertLessEqual(width, 1366, 'the page scrolls sideways at 1366x768')

    # --- the verifier ------------------------------------------------------------

    def test_01_failed_sign_in_is_refused_and_audited(self):
        d = self.sign_in('vera', 'not-the-password')
        msg = wait(d, EC.visibility_of_element_located((By.ID, 'message')))
        wait(d, lambda drv: 'salah' in drv.find_element(By.ID, 'message').text)
        self.assertIn('dicatat', msg.text)
        self.env.screenshot(d, '01-signin-failed')
        audit = self.hub_json('audit', '--action', 'refused')
        self.assertTrue(any(a['subject'] == 'vera' and 'sign-in failed (web' in a['detail'] for a in audit), audit)

    def test_02_verifier_filters_the_queue_and_names_render_as_text(self):
        d = self.sign_in('vera')
        wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, '#queue tbody tr')) == 5)
        self.assertEqual(text_of(d, 'h1'), 'Permohonan di Dinsos')
        names = [a.text for a in d.find_elements(By.CSS_SELECTOR, '#queue a.open-app')]
        self.assertIn(XSS, names)          # the markup is shown as text...
        self.assertIn("Ba'u", names)
        self.assert_no_alert(d)            # ...and never ran
        self.assertEqual(d.execute_script("return document.querySelectorAll('#queue script').length"), 0)
        tab = d.find_element(By.CSS_SELECTOR, '#tabs a[data-status="submitted"]')
        self.assertIn('(5)', tab.text)
        # Each waits for its rule's first stage, due in the office's time.
        self.assertIn('Cek lapangan', text_of(d, '#queue tbody td.due'))
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, '#queue tr.overdue'), [])  # all received just now
        self.assert_fits(d)
        self.env.screenshot(d, '02-queue')
        # Filter as a person would: the status tab, then a search.
        tab.click()
        wait(d, lambda drv: 'status=submitted' in drv.current_url)
        search = wait(d, EC.element_to_be_clickable((By.ID, 'filter-q')))
        search.send_keys('siti')
        d.find_element(By.ID, 'filter-apply').click()
        wait(d, lambda drv: 'q=siti' in drv.current_url)
        wait(d, lambda drv: [a.text for a in drv.find_elements(By.CSS_SELECTOR, '#queue a.open-app')] == ['Siti Aminah'])
        # By NIK prefix; and SQL/HTML metacharacters are just text that matches nothing.
        for query, expect in (('3510015211870005', ['Dewi Lestari']), ("' OR 1=1 --", []), ('%', []), ('<b>', [])):
            search = d.find_element(By.ID, 'filter-q')
            search.clear()
            search.send_keys(query)
            d.find_element(By.ID, 'filter-apply').click()
            wait(d, lambda drv: [a.text for a in drv.find_elements(By.CSS_SELECTOR, '#queue a.open-app')] == expect
                 and drv.execute_script('return document.readyState') == 'complete')
        self.env.screenshot(d, '02-queue-filtered')

    def test_03_verifier_views_a_scan_and_returns_the_application(self):
        d = self.sign_in('vera')
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#queue a.open-app'))
        link = [a for a in d.find_elements(By.CSS_SELECTOR, '#queue a.open-app') if a.text == XSS][0]
        link.click()
        wait(d, lambda drv: drv.find_element(By.ID, 'app-title').text == XSS)
        self.assert_no_alert(d)
        self.assertEqual(text_of(d, '#person-nik'), '3510015211870002')
        self.assertIn('Kartu Keluarga', text_of(d, '#documents'))
        self.assertIn('diajukan', text_of(d, '#history'))
        # Two criteria met: the SPM rule's threshold (>= 2), as the hub scores the answers.
        self.assertEqual(text_of(d, '#ind-threshold'), 'Ambang layanan >= 2: terpenuhi (skor 2)')
        self.assert_fits(d)
        # The scan, inline.
        row = [r for r in d.find_elements(By.CSS_SELECTOR, '#documents tbody tr') if 'scan-kk.png' in r.text][0]
        row.find_element(By.CSS_SELECTOR, 'button.view-doc').click()
        img = wait(d, EC.visibility_of_element_located((By.ID, 'viewer-img')))
        wait(d, lambda drv: drv.execute_script('return arguments[0].complete && arguments[0].naturalWidth', img) == 64)
        self.env.screenshot(d, '03-document-inline')
        doc_id = row.get_attribute('data-id')
        base = '/api/v1/applications/%s/documents/%s' % (self.apps['xss'], doc_id)
        shown = fetch(d, 'GET', base)
        self.assertEqual((shown['status'], shown['type']), (200, 'image/png'))
        self.assertEqual(shown['disposition'], 'inline; filename="scan-kk.png"')
        self.assertIn("default-src 'none'", shown['csp'])
        self.assertEqual(fetch(d, 'GET', base + '?download=1')['disposition'], 'attachment; filename="scan-kk.png"')
        pdf_row = [r for r in d.find_elements(By.CSS_SELECTOR, '#documents tbody tr') if 'ktp.pdf' in r.text][0]
        pdf = fetch(d, 'GET', '/api/v1/applications/%s/documents/%s' % (self.apps['xss'], pdf_row.get_attribute('data-id')))
        self.assertEqual((pdf['type'], pdf['head'][:5]), ('application/pdf', '%PDF-'))
        # Return it with a reason, confirmed.
        self.act(d, 'return', 'Foto KK buram, mohon dipindai ulang')
        wait(d, lambda drv: drv.find_element(By.ID, 'app-status').text == 'dikembalikan untuk dilengkapi')
        history = text_of(d, '#history')
        self.assertIn('dikembalikan ke desa', history)
        self.assertIn('vera', history)
        self.assertIn('Foto KK buram, mohon dipindai ulang', history)
        self.assertIn('WIB', history)
        self.env.screenshot(d, '03-returned')
        self.assertEqual(self.events_of('xss'), ['submitted', 'returned'])
        # The village sees it at its next sync, scans the KK again offline,
        # resubmits, and syncs: the verifier finds it back in her queue.
        self.env.sync()
        shown = self.env.node('application', 'show', self.apps['xss'])
        self.assertEqual(shown['status'], 'returned')
        rescan = self.env.write_file('scan-kk-ulang.png', png_bytes())
        self.env.node('application', 'attach', self.apps['xss'], '--kind', 'kk', '--file', rescan)
        self.env.node('application', 'submit', self.apps['xss'])
        self.env.sync()
        self.open_application(d, 'xss')
        wait(d, lambda drv: drv.find_element(By.ID, 'app-status').text == 'diajukan')
        self.assertIn('diajukan ulang', text_of(d, '#history'))
        self.assertIn('scan-kk-ulang.png', text_of(d, '#documents'))
        self.assertEqual(self.events_of('xss'), ['submitted', 'returned', 'resubmitted'])

    def test_04_a_role_beyond_its_permission_is_refused(self):
        d = self.sign_in('vera')
        self.open_application(d, 'siti')
        buttons = [b.get_attribute('id') for b in d.find_elements(By.CSS_SELECTOR, '#action-buttons button')]
        self.assertIn('action-return', buttons)
        self.assertNotIn('action-approve', buttons)  # not offered...
        r = fetch(d, 'POST', '/api/v1/applications/%s/actions/approve' % self.apps['siti'],
                  {'reason': '', 'expected_head': ''})
        self.assertEqual(r['status'], 403)            # ...and refused when sent anyway
        self.assertIn('hub_verifier', json.loads(r['text'])['error']['message'])
        self.assertEqual(self.events_of('siti'), ['submitted'])
        audit = self.hub_json('audit', '--action', 'refused')
        self.assertTrue(any('may not approve' in a['detail'] for a in audit))
        # The auditor may read the queue but decide nothing.
        a = self.sign_in('audi')
        self.open_application(a, 'rina')
        self.assertTrue(a.find_element(By.ID, 'no-actions').is_displayed())

    def test_05_missing_or_forged_csrf_token_is_refused(self):
        d = self.sign_in('vera')
        self.open_application(d, 'rina')
        head = self.hub_json('application', 'show', self.apps['rina'])['events'][-1]
        path = '/api/v1/applications/%s/actions/return' % self.apps['rina']
        body = {'reason': 'tanpa token', 'expected_head': ''}
        for token in (None, '', '0' * 64, 'forged'):
            r = fetch(d, 'POST', path, body, csrf=token)
            self.assertEqual(r['status'], 403, token)
            self.assertEqual(json.loads(r['text'])['error']['code'], 'csrf')
        r = fetch(d, 'DELETE', '/api/v1/session', None, csrf=None)  # signing out is a change too
        self.assertEqual(r['status'], 403)
        self.assertEqual(self.events_of('rina'), ['submitted'])
        self.assertEqual(self.hub_json('application', 'show', self.apps['rina'])['events'][-1], head)
        self.assertEqual(fetch(d, 'GET', '/api/v1/session')['status'], 200)  # still signed in
        # The session ends at the hub (as the idle timeout ends it): the next
        # page says so and, signed in again, the verifier is back where she was.
        page = d.current_url
        self.assertEqual(fetch(d, 'DELETE', '/api/v1/session')['status'], 200)
        d.refresh()
        wait(d, EC.url_contains('/signin?ended=1'))
        wait(d, EC.text_to_be_present_in_element((By.ID, 'message'), 'Sesi Anda berakhir'))
        d.find_element(By.ID, 'name').send_keys('vera')
        d.find_element(By.ID, 'password').send_keys(PASSWORDS['vera'])
        d.find_element(By.ID, 'signin-submit').click()
        wait(d, lambda drv: drv.current_url == page)
        wait(d, EC.presence_of_element_located((By.ID, 'who')))
        # A 'next' naming another host is not followed.
        d.get(self.env.url('/signin?next=//example.org/x'))
        wait(d, lambda drv: drv.current_url == self.env.url('/'))

    # --- the official -----------------------------------------------------------

    def test_06_official_approves_issues_the_letter_and_opens_the_pdf(self):
        # Three of the service rule's four stages; the health office's re-check is missing.
        self.env.pass_stages(self.apps['siti'], stop_before='health_recheck')
        d = self.sign_in('oki')
        before = open_dashboard(self.env, d)
        self.assertEqual(before['applications'], '5')
        self.assertEqual(before['median'], '-')  # no letter yet
        self.open_application(d, 'siti')
        self.assertIn('lolos: ', text_of(d, '#stage-kecamatan'))
        self.assertIn('WIB', text_of(d, '#stage-kecamatan'))
        self.assertIn('belum lolos', text_of(d, '#stage-health_recheck'))
        self.assertIn('Verifikator Dinas Sosial', text_of(d, '#next-stage'))
        buttons = [b.get_attribute('id') for b in d.find_elements(By.CSS_SELECTOR, '#action-buttons button')]
        self.assertNotIn('action-approve', buttons)  # not while a stage is missing
        self.assertNotIn('action-stage', buttons)    # the stage is a verifier's
        self.env.screenshot(d, '06-stage-missing')
        # The verifier records it in the page; then the official may approve.
        v = self.sign_in('vera')
        self.open_application(v, 'siti')
        self.act(v, 'stage', 'Cek ulang Dinkes: sesuai')
        wait(v, lambda drv: 'lolos: vera' in drv.find_element(By.ID, 'stage-health_recheck').text)
        self.assertIn('Cek ulang Dinkes: sesuai', text_of(v, '#stage-health_recheck'))
        self.assertFalse(v.find_element(By.ID, 'next-stage').is_displayed())
        self.open_application(d, 'siti')
        wait(d, EC.element_to_be_clickable((By.ID, 'action-approve')))
        self.act(d, 'approve')
        wait(d, lambda drv: drv.find_element(By.ID, 'app-status').text == 'disetujui')
        wait(d, EC.element_to_be_clickable((By.ID, 'action-letter')))
        self.act(d, 'letter')
        link = wait(d, EC.element_to_be_clickable((By.CSS_SELECTOR, '#letters a.open-letter')))
        number = text_of(d, '#app-letter')
        self.assertTrue(number, 'the letter number is shown')
        self.assertIn(number, text_of(d, '#letters'))
        self.assertEqual(text_of(d, '#app-status'), 'surat terbit')
        self.env.screenshot(d, '06-letter-issued')
        pdf = fetch(d, 'GET', link.get_attribute('href').split(str(self.env.port), 1)[1])
        self.assertEqual((pdf['status'], pdf['type'], pdf['head'][:5]), (200, 'application/pdf', '%PDF-'))
        self.assertTrue(pdf['disposition'].startswith('inline; filename="surat-'))
        main = d.current_window_handle
        link.click()
        wait(d, lambda drv: len(drv.window_handles) == 2)
        d.switch_to.window([h for h in d.window_handles if h != main][0])
        wait(d, lambda drv: '/letters/' in drv.current_url and
             drv.execute_script('return document.contentType') == 'application/pdf')
        self.env.screenshot(d, '06-letter-pdf')
        d.close()
        d.switch_to.window(main)
        self.assertEqual(self.events_of('siti'), ['submitted'] + ['stage_done'] * 4 + ['approved', 'letter_issued'])
        # The dashboard: the same applications, now one letter: a median time.
        after = open_dashboard(self.env, d)
        self.assertEqual(after['applications'], '5')
        self.assertNotEqual(after['median'], '-')
        self.assertIn('1', [c.text for c in d.find_elements(By.CSS_SELECTOR, '#times td.num')])
        svg = fetch(d, 'GET', d.find_element(By.CSS_SELECTOR, '[data-figure=time_to_letter] img')
                    .get_attribute('src').split(str(self.env.port), 1)[1])
        self.assertEqual((svg['status'], svg['type']), (200, 'image/svg+xml; charset=utf-8'))
        self.assert_fits(d)
        self.env.screenshot(d, '06-dashboard')
        # Drill-down: a kecamatan's villages.
        d.find_element(By.CSS_SELECTOR, '#regions a.drill').click()
        wait(d, lambda drv: not drv.find_element(By.ID, 'crumbs').get_attribute('hidden'))
        wait(d, lambda drv: '35.10.01.' in text_of(drv, '#regions'))

    def test_07_a_decision_on_an_application_just_decided_is_refused(self):
        official = self.sign_in('oki')
        self.open_application(official, 'dewi')
        other = self.sign_in('vina')
        self.open_application(other, 'dewi')
        self.act(other, 'return', 'KTP belum dilampirkan')
        wait(other, lambda drv: drv.find_element(By.ID, 'app-status').text == 'dikembalikan untuk dilengkapi')
        # The official still sees the application as submitted, and rejects it.
        self.act(official, 'reject', 'Tidak memenuhi kriteria')
        stale = wait(official, EC.visibility_of_element_located((By.ID, 'stale')))
        self.assertIn('sudah berubah', stale.text)
        self.assertIn("sekarang berstatus 'dikembalikan untuk dilengkapi'", stale.text)
        self.assertIn('dikembalikan ke desa', stale.text)
        self.assertIn('vina', stale.text)
        self.assertIn('KTP belum dilampirkan', stale.text)
        wait(official, lambda drv: drv.find_element(By.ID, 'app-status').text == 'dikembalikan untuk dilengkapi')
        self.env.screenshot(official, '07-stale-decision')
        self.assertEqual(self.events_of('dewi'), ['submitted', 'returned'])

    # --- the pages ------------------------------------------------------------------

    def test_07b_the_villages_and_the_audit_log_as_the_auditor_reads_them(self):
        d = self.sign_in('audi')
        d.get(self.env.url('/villages'))
        wait(d, EC.text_to_be_present_in_element((By.ID, 'villages'), 'Sarongan'))
        self.assertFalse(d.find_element(By.ID, 'enrol').is_displayed())  # an administrator's task
        self.assert_fits(d)
        d.get(self.env.url('/audit'))
        verdict = wait(d, EC.visibility_of_element_located((By.ID, 'verdict')))
        self.assertIn('ok', verdict.get_attribute('class'))
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#entries tbody tr'))
        self.assertIn('read_person', text_of(d, '#entries'))  # the applications opened above
        self.env.screenshot(d, '07b-audit')

    def test_08_english_and_print(self):
        d = self.sign_in('vera')
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#queue tbody tr'))
        d.find_element(By.ID, 'switch-lang').click()
        wait(d, lambda drv: drv.find_element(By.TAG_NAME, 'h1').text == 'Applications at Dinsos')
        self.assertIn('Sign out', text_of(d, '#top'))
        self.open_application(d, 'xss')
        self.assertIn('returned to the village', text_of(d, '#history'))
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'print'})
        self.assertFalse(d.find_element(By.ID, 'top').is_displayed())
        self.assertFalse(d.find_element(By.ID, 'actions').is_displayed())
        self.assertTrue(d.find_element(By.ID, 'history').is_displayed())
        printed = d.execute_cdp_cmd('Page.printToPDF', {'printBackground': False})
        with open(os.path.join(self.env.artifacts, '08-application-print.pdf'), 'wb') as f:
            f.write(base64.b64decode(printed['data']))
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'screen'})
        self.env.screenshot(d, '08-application-english')
        # Nothing the pages did broke the CSP (a violation is logged as an error).
        errors = [l for l in d.get_log('browser') if l['level'] == 'SEVERE' and 'status of 4' not in l['message']]
        self.assertEqual(errors, [])

    def test_09_a_benefit_already_held_is_shown_and_approved_only_with_a_reason(self):
        # Siti's NIK registered again in another household: her first
        # application has its letter (test_06); the second is the same benefit.
        self.apps['siti2'] = self.env.add_application('Siti A.', '3510015211870004', '3510011211870009')
        self.env.sync()
        self.env.pass_stages(self.apps['siti2'])
        d = self.sign_in('oki')
        self.open_application(d, 'siti2')
        self.assertIn('Sudah memegang', text_of(d, '#held-list'))
        self.assertIn('Siti Aminah', text_of(d, '#dup-list'))
        self.assertTrue(d.find_element(By.ID, 'override-row').is_displayed())
        self.env.screenshot(d, '09-benefit-held')
        self.act(d, 'approve')  # without the reason: refused, nothing recorded
        wait(d, lambda drv: 'alasan pengecualian' in text_of(drv, '#message'))
        self.assertEqual(self.events_of('siti2')[-1], 'stage_done')
        d.find_element(By.ID, 'override-reason').send_keys('KK baru setelah pindah; surat lama dicabut')
        self.act(d, 'approve')
        wait(d, lambda drv: drv.find_element(By.ID, 'app-status').text == 'disetujui')
        audit = self.hub_json('audit', '--action', 'benefit_override')
        self.assertTrue(any('KK baru setelah pindah' in (a.get('detail') or '') for a in audit), audit)

    def test_10_a_conflict_is_decided_on_the_application_page(self):
        # The notes edited at the hub and at the village before they synced.
        app = self.apps['bau']
        self.env.hub('application', 'edit', app, '--notes', 'Catatan Dinsos')
        self.env.node('application', 'edit', app, '--notes', 'Catatan desa')
        self.env.sync()
        d = self.sign_in('vera')
        self.open_application(d, 'bau')
        card = wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, '#conflicts .conflict')))
        self.assertIn('Catatan', card.text)  # the field's name in words, not "notes"
        values = {text_of(d, '#conflicts .side-winner .value'), text_of(d, '#conflicts .side-loser .value')}
        self.assertEqual(values, {'Catatan Dinsos', 'Catatan desa'})
        self.assertIn('kantor desa', card.text)
        self.env.screenshot(d, '10-conflict')
        d.find_element(By.CSS_SELECTOR, '#conflicts input').send_keys('Disepakati: survei ulang')
        d.find_element(By.CSS_SELECTOR, '#conflicts form button').click()
        wait(d, lambda drv: 'Diputuskan' in text_of(drv, '#message'))
        self.assertFalse(d.find_element(By.ID, 'conflicts-card').is_displayed())
        self.assertEqual(self.hub_json('application', 'show', app)['notes'], 'Disepakati: survei ulang')
        self.assertEqual(self.env.hub('--json', 'conflicts').stdout.strip(), '[]')
        # The decision reaches the village at its next sync.
        self.env.sync()
        self.assertEqual(self.env.node('application', 'show', app)['notes'], 'Disepakati: survei ulang')


if __name__ == '__main__':
    unittest.main(verbosity=2)
