"""The village web app (`simpul-node ui`) in a real headless Chromium,
against the real simpul-node and, for the sync, the real simpul-hub
(simpul_env.py), driven as a village operator would: type, click, read.

  gate:      the locked store shows the unlock page; a wrong passphrase is
             refused; the passphrase and the account are typed in the page
  residents: a household registered by typing; the NIK decoded as it is
             typed; a NIK typo shown under its field, named, value kept; a
             refused save names the member's field and keeps every value
  work:      an application by type with its answers; its rule's documents
             listed; a 3000 px photo of the KK attached from a file (made
             smaller in the page: a 2000 px JPEG arrives) and the KTP as a
             PDF, then replaced; submit; the board
  sync:      with the hub stopped: a clear message, nothing lost; with it
             running: sent; its stages passed, Dinsos approves and issues the
             letter; it prints
  safety:    a <script> name renders as text; a missing or forged CSRF
             token is refused with nothing written
  pages:     under 200 KB, 1366x768 without sideways scrolling, the print
             stylesheet, keyboard focus, English on request, lock

Screenshots go to $SIMPUL_ARTIFACT_DIR/browser-village/.
"""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simpul_env import (NODE_PASSPHRASE, VILLAGE_PASSWORDS, SimpulEnv, attach_scan, fetch, pdf_bytes,  # noqa: E402
                        png_bytes, text_of, wait)

try:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select
except ImportError as missing:  # a failure, never a skip: CI must have the stack
    sys.exit('browser test: python3-selenium is missing (tools/setup.sh installs it): %s' % missing)

XSS = '<script>alert(1)</script>'
SITI_NIK = '3510015211870002'   # P, 12-11-1987, Pesanggaran
BUDI_NIK = '3510011503150003'   # L, 15-03-2015
BUDI_TYPO = '3510011513150003'  # month 13: not a date
PAGES = ['/', '/unlock', '/signin', '/register', '/household', '/application', '/board', '/sync']


class VillageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = SimpulEnv('village').start()
        cls.env.add_village_accounts()
        cls.env.start_ui()
        cls.d = cls.env.browser()
        cls.app_id = None

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    # --- helpers -----------------------------------------------------------------

    def go(self, path, ready_id):
        self.d.get(self.env.ui_url(path))
        return wait(self.d, EC.presence_of_element_located((By.ID, ready_id)))

    def type_into(self, element_id, text):
        e = self.d.find_element(By.ID, element_id)
        e.clear()
        e.send_keys(text)
        return e

    def value(self, element_id):
        return self.d.find_element(By.ID, element_id).get_attribute('value')

    def shot(self, name):
        self.env.screenshot(self.d, name)

    def assert_no_alert(self):
        with self.assertRaises(NoAlertPresentException):
            self.d.switch_to.alert.text

    def assert_fits(self):
        width = self.d.execute_script('return document.documentElement.scrollWidth')
        self.assertLessEqual(width, 1366, 'the page scrolls sideways at 1366x768')

    def outbox_count(self):
        wait(self.d, lambda drv: re.search(r'\d+', drv.find_element(By.ID, 'outbox').text))
        return int(re.search(r'\d+', text_of(self.d, '#outbox')).group())

    def sync_now(self):
        """Clicks "sync now" and waits for the run to end: a new last run is
        shown (its time, data-at) and the button can be clicked again."""
        when = wait(self.d, EC.presence_of_element_located((By.ID, 'last-when')))
        wait(self.d, lambda drv: when.get_attribute('data-at') is not None)
        before = when.get_attribute('data-at')
        wait(self.d, EC.element_to_be_clickable((By.ID, 'sync-now'))).click()
        wait(self.d, lambda drv: when.get_attribute('data-at') != before, timeout=120)
        wait(self.d, EC.element_to_be_clickable((By.ID, 'sync-now')), timeout=120)

    def change_phone_of(self, name, phone):
        """On the household page: "Ubah" on `name`'s row, a new phone, save."""
        d = self.d
        row = [r for r in d.find_elements(By.CSS_SELECTOR, '#household tbody tr') if name in r.text][0]
        row.find_element(By.CSS_SELECTOR, 'button[id^="edit-"]').click()
        field = wait(d, EC.visibility_of_element_located((By.ID, 'edit-phone')))
        field.clear()
        field.send_keys(phone)
        d.find_element(By.ID, 'edit-save').click()

    def persons(self):
        return self.env.node('person', 'list')

    # --- the gate ----------------------------------------------------------------

    def test_01_locked_store_unlocks_with_the_passphrase_typed_in_the_page(self):
        d = self.d
        d.get(self.env.ui_url('/'))
        wait(d, EC.url_contains('/unlock'))
        wait(d, EC.text_to_be_present_in_element((By.ID, 'unlock-submit'), 'Buka'))
        self.shot('01-locked')
        self.type_into('passphrase', 'bukan kata sandinya').send_keys(Keys.ENTER)
        wait(d, lambda drv: 'salah' in drv.find_element(By.ID, 'message').text)
        self.assertEqual(self.value('passphrase'), '')
        self.shot('02-wrong-passphrase')
        self.type_into('passphrase', NODE_PASSPHRASE).send_keys(Keys.ENTER)
        wait(d, EC.url_contains('/signin'))
        wait(d, EC.text_to_be_present_in_element((By.ID, 'village-name'), 'Sarongan'))
        self.type_into('name', 'ani')
        self.type_into('password', VILLAGE_PASSWORDS['ani']).send_keys(Keys.ENTER)
        wait(d, EC.presence_of_element_located((By.ID, 'who')))
        self.assertIn('ani', text_of(d, '#who'))
        self.assertIn('Operator desa', text_of(d, '#who'))
        # The search box has the focus: the operator types at once.
        self.assertEqual(d.execute_script('return document.activeElement.id'), 'q')
        self.shot('03-signed-in')

    # --- residents -----------------------------------------------------------------

    def test_02_register_a_household_by_typing(self):
        d = self.d
        self.go('/register', 'm0-name')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'save'), 'Simpan'))
        self.type_into('no_kk', '3510011211870001')
        self.type_into('address', 'Dusun Krajan')
        self.type_into('rt', '1')
        self.type_into('rw', '2')
        self.type_into('m0-name', 'Siti Aminah')
        self.type_into('m0-nik', SITI_NIK)
        # Decoded as typed: sex, birth date and region, in Bahasa Indonesia.
        wait(d, lambda drv: 'Pesanggaran' in drv.find_element(By.ID, 'm0-nik-info').text)
        info = text_of(d, '#m0-nik-info')
        self.assertIn('Perempuan', info)
        self.assertIn('12 November 1987', info)
        self.assertIn('Banyuwangi', info)
        self.assertEqual(self.value('m0-birth_date'), '1987-11-12')
        self.assertEqual(self.value('m0-sex'), 'P')
        self.assertEqual(self.value('m0-relation'), '1')
        self.shot('04-nik-decoded')

        d.find_element(By.ID, 'add-member').click()
        wait(d, EC.presence_of_element_located((By.ID, 'm1-name')))
        self.type_into('m1-name', 'Budi Santoso')
        Select(d.find_element(By.ID, 'm1-relation')).select_by_value('4')
        self.type_into('m1-nik', BUDI_TYPO).send_keys(Keys.TAB)
        # The typo, under its field, naming it; the typed value stays.
        err = wait(d, EC.visibility_of_element_located((By.ID, 'err-m1-nik')))
        self.assertIn('NIK', err.text)
        self.assertEqual(self.value('m1-nik'), BUDI_TYPO)
        self.assertEqual(d.find_element(By.ID, 'm1-nik').get_attribute('aria-invalid'), 'true')
        self.shot('05-nik-typo-inline')

        # Saved anyway: the app refuses it whole, names the member's field,
        # and every typed value stays in the form.
        d.find_element(By.ID, 'save').click()
        wait(d, lambda drv: 'Anggota ke-2' in drv.find_element(By.ID, 'err-m1-nik').text)
        for element_id, typed in [('no_kk', '3510011211870001'), ('address', 'Dusun Krajan'),
                                  ('m0-name', 'Siti Aminah'), ('m0-nik', SITI_NIK), ('m1-name', 'Budi Santoso'),
                                  ('m1-nik', BUDI_TYPO)]:
            self.assertEqual(self.value(element_id), typed, element_id)
        self.assertEqual(self.persons(), [])
        self.shot('06-save-refused')

        self.type_into('m1-nik', BUDI_NIK)
        wait(d, lambda drv: 'Laki-laki' in drv.find_element(By.ID, 'm1-nik-info').text)
        self.assertEqual(d.find_elements(By.ID, 'err-m1-nik'), [])
        d.find_element(By.ID, 'save').click()
        wait(d, EC.url_contains('/household?id='))
        wait(d, lambda drv: 'Keluarga tersimpan' in drv.find_element(By.ID, 'message').text)
        wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, '#household table'), 'Budi Santoso'))
        self.assertIn('Siti Aminah', text_of(d, '#household table'))
        self.assertIn('Kepala keluarga', text_of(d, '#household table'))
        self.assertEqual(sorted(p['name'] for p in self.persons()), ['Budi Santoso', 'Siti Aminah'])
        self.shot('07-household-saved')
        # A change from the household page; a second tab still showing the
        # old value is told so, and nothing of it is saved.
        first = d.current_window_handle
        page = d.current_url
        d.switch_to.new_window('tab')
        d.get(page)
        wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, '#household table'), 'Budi Santoso'))
        self.change_phone_of('Budi Santoso', '0813-1111-2222')
        wait(d, lambda drv: 'Tersimpan' in text_of(drv, '#message'))
        d.close()
        d.switch_to.window(first)
        self.change_phone_of('Budi Santoso', '0813-3333-4444')
        wait(d, lambda drv: 'diubah sementara itu' in text_of(drv, '#edit-form'))
        self.shot('07b-changed-meanwhile')
        phones = {p['name']: p.get('phone') for p in self.persons()}
        self.assertEqual(phones['Budi Santoso'], '+6281311112222')  # stored in one form

    def test_03_find_by_name_nik_or_kk(self):
        d = self.d
        for q in ('aminah', SITI_NIK[:10], '3510011211870001'):
            self.go('/', 'q')
            self.type_into('q', q).send_keys(Keys.ENTER)
            wait(d, EC.text_to_be_present_in_element((By.ID, 'results'), 'Siti Aminah'))
        self.shot('08-find')

    # --- applications ----------------------------------------------------------------

    def test_04_an_application_with_answers_is_submitted(self):
        d = self.d
        d.find_element(By.CSS_SELECTOR, '#results a.open').click()
        wait(d, EC.url_contains('/household?id='))
        row = wait(d, lambda drv: [r for r in drv.find_elements(By.CSS_SELECTOR, '#household tbody tr')
                                   if 'Siti Aminah' in r.text])[0]
        row.find_element(By.LINK_TEXT, 'Permohonan baru').click()
        wait(d, EC.visibility_of_element_located((By.ID, 'app-form')))
        wait(d, EC.presence_of_element_located((By.ID, 'ans-no_shelter')))
        self.assertIn('Siti Aminah', text_of(d, '#applicant-line'))
        Select(d.find_element(By.ID, 'type')).select_by_value('poverty_statement')
        self.type_into('purpose', 'Berobat ke RSUD Blambangan')
        for item, answer in [('no_shelter', 'tidak'), ('head_not_working', 'ya'), ('earth_floor', 'ya')]:
            Select(d.find_element(By.ID, 'ans-' + item)).select_by_value(answer)
        self.shot('09-application-form')
        d.find_element(By.ID, 'save').click()
        wait(d, EC.url_contains('/application?id='))
        wait(d, EC.presence_of_element_located((By.ID, 'doc-file-kk')))
        type(self).app_id = d.execute_script("return new URLSearchParams(location.search).get('id')")
        self.assertIn('status-draft', d.find_element(By.ID, 'status').get_attribute('class'))
        self.assertIn('Skor', text_of(d, '#details'))
        # The rule's documents: KK and KTP required, not attached yet; submit waits for them.
        self.assertIn('Kartu Keluarga', text_of(d, '#doc-kk'))
        self.assertIn('belum dilampirkan', text_of(d, '#doc-ktp'))
        self.assertIn('kk, ktp', text_of(d, '#problems'))
        self.assertFalse(d.find_element(By.ID, 'submit').is_enabled())
        self.assertEqual(d.find_element(By.ID, 'doc-file-kk').get_attribute('accept'), 'image/*,application/pdf')
        self.assertEqual(d.find_element(By.ID, 'doc-file-kk').get_attribute('capture'), 'environment')
        self.shot('10-application-draft')
        # A camera photo of the KK, 3000 px wide: made smaller here, a 2000 px JPEG arrives.
        said = attach_scan(d, 'kk', self.env.write_file('kk-siti.png', png_bytes(3000, 2000)), 'kk-siti.jpg')
        self.assertIn('diperkecil', said)
        self.assertIn('3000×2000', said)
        self.assertIn('2000×1333', said)
        view = d.find_element(By.CSS_SELECTOR, '#doc-kk a.doc-view').get_attribute('href')
        kk = fetch(d, 'GET', view, csrf=None)
        self.assertEqual((kk['status'], kk['type']), (200, 'image/jpeg'))
        self.assertIn('inline', kk['disposition'])
        width = d.execute_async_script("""
            const img = new Image(); img.onload = () => arguments[1](img.naturalWidth);
            img.onerror = () => arguments[1](-1); img.src = arguments[0];""", view)
        self.assertEqual(width, 2000)
        # The KTP as a PDF (sent as it is); a clearer scan then replaces it.
        attach_scan(d, 'ktp', self.env.write_file('ktp-buram.pdf', pdf_bytes('KTP buram')))
        self.assertIn('Ganti', text_of(d, '#doc-ktp'))
        attach_scan(d, 'ktp', self.env.write_file('ktp-siti.pdf', pdf_bytes('KTP Siti Aminah')))
        self.assertNotIn('ktp-buram.pdf', text_of(d, '#doc-ktp'))
        docs = self.env.node('application', 'show', self.app_id)['attachments']
        self.assertEqual(sorted((a['kind'], a['filename']) for a in docs),
                         [('kk', 'kk-siti.jpg'), ('ktp', 'ktp-siti.pdf')])
        # The laptop's camera (Chromium's fake one here): the referral letter photographed.
        d.find_element(By.ID, 'doc-camera-referral').click()
        video = wait(d, EC.visibility_of_element_located((By.ID, 'camera-video')))
        wait(d, lambda drv: drv.execute_script('return arguments[0].videoWidth', video) > 0)
        self.shot('10c-camera')
        d.find_element(By.ID, 'camera-take').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'doc-referral'), 'kamera-'))
        taken = {a['kind']: a for a in self.env.node('application', 'show', self.app_id)['attachments']}
        self.assertTrue(taken['referral']['filename'].startswith('kamera-'), taken)
        wait(d, EC.visibility_of_element_located((By.ID, 'complete')))
        self.shot('10b-application-scans')
        d.find_element(By.ID, 'submit').click()
        wait(d, lambda drv: 'status-submitted' in drv.find_element(By.ID, 'status').get_attribute('class'))
        self.assertIn('Diajukan', text_of(d, '#message'))
        self.assertTrue(d.find_element(By.ID, 'submit').get_attribute('hidden') is not None)
        # When, in the office's zone: never a stamp.
        self.assertRegex(text_of(d, '#history tbody'), r'\d{1,2} \w{3} \d{4} \d{2}\.\d{2} WIB')
        self.shot('11-application-submitted')
        self.go('/board', 'board')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'group-to_send'), 'Siti Aminah'))
        self.shot('12-board-to-send')

    # --- sync -------------------------------------------------------------------------

    def test_05_sync_with_the_hub_stopped_says_so_and_loses_nothing(self):
        d = self.d
        self.env.stop_hub()
        self.go('/sync', 'sync-now')
        before = self.outbox_count()
        self.assertGreater(before, 0)
        waiting = {c['change_id'] for c in self.env.node('outbox')}
        self.assertEqual(len(waiting), before)
        self.sync_now()
        self.assertIn('error', d.find_element(By.ID, 'last-text').get_attribute('class'))
        text = text_of(d, '#last-text')
        self.assertIn('tidak dapat dihubungi', text)
        self.assertIn('Tidak ada yang hilang', text)
        # Nothing lost: every change still waits (the run may add its own:
        # the signed head of the audit chain), and the page says how many.
        after = self.outbox_count()
        self.assertIn('hilang: %d perubahan' % after, text)
        self.assertGreaterEqual(after, before)
        self.assertLessEqual(waiting, {c['change_id'] for c in self.env.node('outbox')})
        self.assertEqual(self.env.node('status')['outbox_pending'], after)
        self.shot('13-sync-hub-stopped')

    def test_06_sync_with_the_hub_running_sends_it(self):
        d = self.d
        self.env.start_hub()
        self.go('/sync', 'sync-now')
        self.sync_now()
        self.assertIn('ok', d.find_element(By.ID, 'last-text').get_attribute('class'))
        self.assertIn('Sinkronisasi berhasil', text_of(d, '#last-text'))
        self.assertEqual(self.outbox_count(), 0)
        queue = self.env.hub('--json', 'application', 'list').stdout
        self.assertIn(self.app_id, queue)
        self.shot('14-sync-done')
        self.go('/board', 'board')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'group-at_dinsos'), 'Siti Aminah'))

    def test_06b_a_returned_application_is_fixed_and_resubmitted(self):
        # Dinsos returns it: the reason reaches the board at the next sync;
        # the operator scans the KK again, resubmits, and syncs.
        d = self.d
        self.env.hub('application', 'return', self.app_id, '--reason', 'Foto KK buram', user='vera')
        self.go('/sync', 'sync-now')
        self.sync_now()
        self.go('/board', 'board')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'group-returned'), 'Siti Aminah'))
        self.assertIn('Foto KK buram', text_of(d, '#group-returned'))
        self.go('/application?id=' + self.app_id, 'status')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'reason'), 'Foto KK buram'))
        attach_scan(d, 'kk', self.env.write_file('kk-jelas.png', png_bytes(800, 600)))
        wait(d, EC.element_to_be_clickable((By.ID, 'submit'))).click()
        wait(d, lambda drv: 'status-submitted' in drv.find_element(By.ID, 'status').get_attribute('class'))
        self.shot('14b-resubmitted')
        self.go('/sync', 'sync-now')
        self.sync_now()
        self.assertIn('Sinkronisasi berhasil', text_of(d, '#last-text'))
        shown = json.loads(self.env.hub('--json', 'application', 'show', self.app_id).stdout)
        self.assertEqual([e['kind'] for e in shown['events']][-2:], ['returned', 'resubmitted'])
        self.assertIn('kk-jelas.png', [doc['filename'] for doc in shown['documents']])

    def test_07_the_letter_dinsos_issued_prints(self):
        d = self.d
        self.env.pass_stages(self.app_id)  # the village's field check, then Dinsos's
        self.env.hub('application', 'approve', self.app_id, user='oki')
        self.env.hub('application', 'letter', self.app_id, user='oki')
        self.go('/sync', 'sync-now')
        self.sync_now()
        self.assertIn('Sinkronisasi berhasil', text_of(d, '#last-text'))
        self.go('/board', 'board')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'group-letter'), 'Siti Aminah'))
        self.shot('15-board-letter-ready')
        self.go('/application?id=' + self.app_id, 'status')
        link = wait(d, EC.presence_of_element_located((By.ID, 'print-letter')))
        # The letter's number is shown with the letter, not as a reason.
        self.assertFalse(d.find_element(By.ID, 'reason').is_displayed())
        pdf = fetch(d, 'GET', link.get_attribute('href'), csrf=None)
        self.assertEqual(pdf['status'], 200)
        self.assertEqual(pdf['type'], 'application/pdf')
        self.assertEqual(pdf['head'][:4], '%PDF')
        self.shot('16-letter')

    # --- safety -------------------------------------------------------------------------

    def test_08_a_script_name_renders_as_text(self):
        d = self.d
        self.go('/register', 'm0-name')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'save'), 'Simpan'))
        self.type_into('address', 'Dusun <b>Tengah</b>')
        self.type_into('m0-name', XSS)
        d.find_element(By.ID, 'save').click()
        wait(d, EC.url_contains('/household?id='))
        cell = wait(d, lambda drv: [c for c in drv.find_elements(By.CSS_SELECTOR, '#household td') if c.text == XSS])
        self.assertEqual(cell[0].text, XSS)
        self.assertIn('Dusun <b>Tengah</b>', text_of(d, '#household h2'))
        self.assert_no_alert()
        self.assertEqual(d.execute_script('return document.querySelectorAll("script").length'), 2)
        self.assertEqual(d.execute_script('return document.querySelectorAll("#household b").length'), 0)
        self.go('/', 'q')
        self.type_into('q', 'script').send_keys(Keys.ENTER)
        wait(d, EC.text_to_be_present_in_element((By.ID, 'results'), XSS))
        self.assert_no_alert()
        self.shot('17-script-name-as-text')

    def test_09_a_change_without_the_csrf_token_is_refused(self):
        d = self.d
        self.go('/', 'q')
        wait(d, EC.presence_of_element_located((By.ID, 'who')))
        body = {'address': 'Dusun Palsu', 'm0.name': 'Orang Palsu'}
        for csrf in (None, 'forged-token'):
            r = fetch(d, 'POST', '/api/v1/households', body, csrf=csrf)
            self.assertEqual(r['status'], 403, r)
            self.assertIn('"code":"csrf"', r['text'])
        r = fetch(d, 'POST', '/api/v1/sync', {}, csrf=None)
        self.assertEqual(r['status'], 403)
        found = fetch(d, 'GET', '/api/v1/search?q=Palsu', csrf=None)
        self.assertIn('"households":[]', found['text'])
        self.assertNotIn('Orang Palsu', [p['name'] for p in self.persons()])
        # The same request with the session's token is accepted: the refusal was the token's.
        ok = fetch(d, 'POST', '/api/v1/households', body)
        self.assertEqual(ok['status'], 201, ok)

    # --- the pages --------------------------------------------------------------------------

    def test_10_pages_are_small_fit_the_screen_print_and_switch_language(self):
        d = self.d
        total = 0
        for path in PAGES:
            page = fetch(d, 'GET', path, csrf=None)
            self.assertEqual(page['status'], 200, path)
            self.assertIn("script-src 'self'", page['csp'])
            size = page['size']
            for ref in re.findall(r'(?:src|href)="(/assets/[^"]+)"', page['text']):
                size += fetch(d, 'GET', ref, csrf=None)['size']
            self.assertLess(size, 200 * 1024, path)
            total = max(total, size)
        for path, ready in [('/', 'q'), ('/register', 'm0-name'), ('/board', 'group-draft'), ('/sync', 'sync-now'),
                            ('/application?id=' + self.app_id, 'status')]:
            self.go(path, ready)
            self.assert_fits()
        # Printing: the header and buttons go, the application stays.
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'print'})
        self.assertFalse(d.find_element(By.ID, 'top').is_displayed())
        self.assertTrue(d.find_element(By.ID, 'history').is_displayed())
        self.shot('18-print')
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': ''})
        d.find_element(By.ID, 'switch-lang').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'nav-find'), 'Find'))
        self.assertIn('Village operator', text_of(d, '#who'))
        self.shot('19-english')
        d.find_element(By.ID, 'switch-lang').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'nav-find'), 'Cari'))
        # Locking: everyone is signed out and the key is gone.
        d.find_element(By.ID, 'lock').click()
        wait(d, EC.url_contains('/unlock'))
        r = fetch(d, 'GET', '/api/v1/session', csrf=None)
        self.assertEqual(r['status'], 423)
        self.shot('20-locked-again')


if __name__ == '__main__':
    unittest.main(verbosity=2)
