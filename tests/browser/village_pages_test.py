"""The village web app's cases, conflicts and USB-stick bundle pages in a
real headless Chromium, against the real simpul-node and simpul-hub
(simpul_env.py), driven as a village operator would.

  cases:     a case recorded by typing (a missing category named under its
             field, what was typed kept), the reporter found by name; its
             due time in WIB; a follow-up note; the list by due time
  conflicts: the same application's notes edited at the hub and at the
             village (real binaries, a real sync): both values side by side
             under the field's name in words; a second tab decides first,
             the stale one is told and writes nothing; the decision reaches
             the hub
  bundle:    "make a bundle" downloads the file; the hub answers it
             (simpul-hub bundle import); the reply read in the page, in
             words; the same reply again and a damaged file refused, nothing
             applied
  kiosk:     a resident fills the self-registration form on a phone-sized
             window (`simpul-node ui --kiosk`) with a photo larger than the
             page sends (made smaller, with a note); the kiosk's address
             reads nothing; the operator reviews it, corrects the name,
             accepts it and sees the household

Screenshots go to $SIMPUL_ARTIFACT_DIR/browser-village_pages/.
"""
import glob
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simpul_env import SimpulEnv, png_bytes, text_of, village_sign_in, wait  # noqa: E402

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select
except ImportError as missing:  # a failure, never a skip: CI must have the stack
    sys.exit('browser test: python3-selenium is missing (tools/setup.sh installs it): %s' % missing)

XSS = '<img src=x onerror=alert(1)>'


class VillagePagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = SimpulEnv('village_pages').start()
        env = cls.env
        env.add_village_accounts()
        # A conflict made the real way: the application's notes edited at
        # the hub and at the village before they synced.
        cls.app = env.add_application('Siti Aminah', '3510015211870002', '3510011211870001')
        env.sync()
        env.hub('application', 'edit', cls.app, '--notes', 'Catatan Dinsos')
        env.node('application', 'edit', cls.app, '--notes', 'Catatan desa')
        env.sync()
        env.start_ui(kiosk=True)
        cls.d = village_sign_in(env)
        cls.downloads = os.path.join(env.work, 'downloads')
        os.makedirs(cls.downloads)
        cls.d.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': cls.downloads})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def go(self, path, ready_id):
        self.d.get(self.env.ui_url(path))
        return wait(self.d, EC.presence_of_element_located((By.ID, ready_id)))

    def shot(self, name):
        """A screenshot; the page fits 1366x768 without sideways scrolling."""
        self.env.screenshot(self.d, name)
        width = self.d.execute_script('return document.documentElement.scrollWidth')
        self.assertLessEqual(width, 1366, '%s scrolls sideways at 1366x768' % name)

    def message(self, element_id='message'):
        wait(self.d, lambda drv: drv.find_element(By.ID, element_id).text.strip() != '')
        return text_of(self.d, '#' + element_id)

    def outcome(self, element_id, timeout=60):
        """The message once the work behind it has finished: a slow machine
        first shows the progress line ("Membuat berkas..."), which carries
        neither the ok nor the error class."""
        def settled(drv):
            classes = drv.find_element(By.ID, element_id).get_attribute('class').split()
            return 'ok' in classes or 'error' in classes
        wait(self.d, settled, timeout)
        return text_of(self.d, '#' + element_id)

    # --- cases -------------------------------------------------------------------

    def test_01_a_case_is_recorded_followed_up_and_listed_by_due_time(self):
        d = self.d
        self.go('/cases', 'case-form')
        wait(d, lambda drv: drv.find_element(By.ID, 'case-form').is_displayed())
        # At 1366 px the whole menu and the sign-out stay on one line.
        links = d.find_elements(By.CSS_SELECTOR, '#top .nav a')
        ends = [d.find_element(By.ID, i) for i in ('who', 'switch-lang', 'lock', 'sign-out')]
        tops = [e.location['y'] + e.size['height'] / 2 for e in links + ends]
        self.assertLess(max(tops) - min(tops), 10, 'the header wraps: %s' % sorted(tops))
        d.find_element(By.ID, 'description').send_keys('Demam tinggi 3 hari ' + XSS)
        d.find_element(By.ID, 'save-case').click()
        # Nothing chosen: the category is named under its field; the text stays.
        wait(d, EC.presence_of_element_located((By.ID, 'err-category')))
        self.assertEqual('Kategori wajib diisi.', text_of(d, '#err-category'))
        self.assertIn('Demam tinggi', d.find_element(By.ID, 'description').get_attribute('value'))
        Select(d.find_element(By.ID, 'category')).select_by_value('health')
        Select(d.find_element(By.ID, 'urgency')).select_by_value('emergency')
        d.find_element(By.ID, 'reporter-q').send_keys('Siti')
        d.find_element(By.ID, 'find-person').click()
        wait(d, lambda drv: 'Siti Aminah' in Select(drv.find_element(By.ID, 'person_id')).first_selected_option.text)
        self.shot('01-new-case')
        d.find_element(By.ID, 'save-case').click()
        wait(d, EC.url_contains('/case?id='))
        flash = self.message()
        self.assertIn('Kasus dicatat', flash)
        self.assertIn('jatuh tempo', flash)
        self.assertIn('WIB', text_of(d, '#due'))
        self.assertIn(XSS, text_of(d, '#facts'))  # shown as text, never run
        self.assertIn('Siti Aminah', text_of(d, '#facts'))
        d.find_element(By.ID, 'note').send_keys('Sudah dibawa ke puskesmas')
        d.find_element(By.ID, 'save-note').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'history'), 'catatan tindak lanjut'))
        self.assertIn('Sudah dibawa ke puskesmas', text_of(d, '#history'))
        self.shot('02-case-with-note')
        cases = self.env.node('case', 'list')
        self.assertEqual(len(cases), 1)
        self.assertEqual(cases[0]['category'], 'health')
        self.go('/cases', 'cases')
        wait(d, EC.text_to_be_present_in_element((By.ID, 'cases'), 'jatuh tempo'))
        self.assertIn('Kesehatan', text_of(d, '#cases'))
        self.assertIn('Siti Aminah', text_of(d, '#cases'))
        self.shot('03-cases')

    # --- conflicts ---------------------------------------------------------------

    def test_02_a_conflict_is_decided_once_a_stale_tab_is_told(self):
        d = self.d
        card = '#conflicts .conflict'
        self.go('/conflicts', 'conflicts')
        wait(d, EC.presence_of_element_located((By.CSS_SELECTOR, card)))
        text = text_of(d, card)
        self.assertIn('Catatan', text)  # the field's name in words, not "notes"
        self.assertIn('Catatan Dinsos', text)
        self.assertIn('Catatan desa', text)
        self.assertIn('Siti Aminah', text)
        self.assertNotIn(self.app, text)
        self.shot('04-conflict')
        stale = d.current_window_handle
        # A second tab decides first: a new value.
        d.switch_to.new_window('tab')
        self.go('/conflicts', 'conflicts')
        field = wait(d, EC.presence_of_element_located((By.CSS_SELECTOR, card + ' input[name=value]')))
        field.send_keys('Disepakati: cek lapangan')
        d.find_element(By.CSS_SELECTOR, card + ' form button').click()
        self.assertIn('Diputuskan', self.message())
        wait(d, lambda drv: drv.find_element(By.ID, 'no-conflicts').is_displayed())
        d.close()
        d.switch_to.window(stale)
        # The first tab still shows the conflict: its decision is refused.
        d.find_element(By.CSS_SELECTOR, card + ' .side-winner button').click()
        self.assertIn('sudah diselesaikan', self.message())
        wait(d, lambda drv: drv.find_element(By.ID, 'no-conflicts').is_displayed())
        self.shot('05-conflict-already-decided')
        shown = self.env.node('application', 'show', self.app)
        self.assertEqual(shown['notes'], 'Disepakati: cek lapangan')
        self.env.sync()
        self.assertEqual(self.env.hub('--json', 'conflicts').stdout.strip(), '[]')
        notes = self.env.hub('--json', 'application', 'show', self.app).stdout
        self.assertIn('Disepakati: cek lapangan', notes)

    # --- the bundle for the USB stick -------------------------------------------

    def test_03_a_bundle_goes_to_dinsos_and_its_reply_is_read_in_the_page(self):
        d = self.d
        env = self.env
        self.go('/sync', 'bundle-export')
        wait(d, lambda drv: drv.find_element(By.ID, 'outbox').text.strip() != '')
        d.find_element(By.ID, 'bundle-export').click()
        self.assertIn('Berkas dibuat', self.outcome('bundle-result'))
        deadline = time.time() + 30
        files = []
        while time.time() < deadline:
            files = [f for f in glob.glob(os.path.join(self.downloads, '*.bundle'))]
            if files:
                break
            time.sleep(0.2)
        self.assertEqual(len(files), 1, 'the bundle was not downloaded')
        self.assertIn('simpul-35.10.01.2001-', os.path.basename(files[0]))
        self.shot('06-bundle-made')
        reply = os.path.join(env.work, 'reply.bundle')
        env.hub('bundle', 'import', files[0], '--reply', reply)
        upload = d.find_element(By.ID, 'bundle-file')
        upload.send_keys(reply)
        d.find_element(By.ID, 'bundle-import').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'bundle-result'), 'Berkas balasan dibaca'), 60)
        self.assertIn('class="message ok"', d.find_element(By.ID, 'bundle-result').get_attribute('outerHTML'))
        self.shot('07-reply-read')
        before = env.node('outbox')
        # The same reply again, then a damaged one: refused in words, nothing applied.
        d.find_element(By.ID, 'bundle-file').send_keys(reply)
        d.find_element(By.ID, 'bundle-import').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'bundle-result'), 'sudah pernah diterapkan'), 60)
        with open(reply, 'rb') as f:
            data = f.read()
        damaged = env.write_file('rusak.bundle', data[:len(data) // 2])
        d.find_element(By.ID, 'bundle-file').send_keys(damaged)
        d.find_element(By.ID, 'bundle-import').click()
        wait(d, EC.text_to_be_present_in_element((By.ID, 'bundle-result'), 'rusak.bundle'), 60)
        self.assertIn('tidak ada yang diterapkan', text_of(d, '#bundle-result'))
        self.shot('08-damaged-refused')
        self.assertEqual(env.node('outbox'), before)

    # --- resident self-registration --------------------------------------------

    def test_04_a_kiosk_registration_is_reviewed_corrected_and_accepted(self):
        env, d = self.env, self.d
        phone = env.browser()
        phone.set_window_size(390, 844)
        phone.get(env.kiosk_url('/'))
        wait(phone, EC.text_to_be_present_in_element((By.ID, 'send'), 'Kirim pendaftaran'))
        phone.find_element(By.ID, 'address').send_keys('Dusun Krajan')
        phone.find_element(By.ID, 'rt').send_keys('3')
        phone.find_element(By.ID, 'm0-name').send_keys('Sri Wahyuni')
        phone.find_element(By.ID, 'm0-nik').send_keys('3510015506900003')
        Select(phone.find_element(By.NAME, 'm0.sex')).select_by_value('P')
        Select(phone.find_element(By.ID, 'service')).select_by_value('poverty_statement')
        photo = env.write_file('kk-phone.png', png_bytes(2400, 1800))  # over 2000 px: made smaller
        phone.find_element(By.ID, 'photo_kk').send_keys(photo)
        phone.find_element(By.ID, 'send').click()
        wait(phone, EC.visibility_of_element_located((By.ID, 'receipt')))
        self.assertIn('Terima kasih', text_of(phone, '#receipt'))
        self.assertIn('2400×1800', text_of(phone, '#sent-notes'))  # made smaller, and said so
        self.assertLessEqual(phone.execute_script('return document.documentElement.scrollWidth'), 390)
        env.screenshot(phone, 'kiosk-phone-received')
        # The kiosk's address reads nothing of the village.
        phone.get(env.kiosk_url('/api/v1/registrations'))
        self.assertNotIn('Sri', phone.page_source)
        phone.get(env.kiosk_url('/registrations'))
        self.assertNotIn('Sri', phone.page_source)

        self.go('/registrations', 'registrations')
        row = wait(d, EC.presence_of_element_located((By.XPATH, '//tr[td[text()="Sri Wahyuni"]]')))
        self.shot('kiosk-review-list')
        row.find_element(By.LINK_TEXT, 'Periksa').click()
        name = wait(d, EC.presence_of_element_located((By.ID, 'photo-kk'))) and d.find_element(By.ID, 'm0-name')
        wait(d, lambda drv: name.get_attribute('value') == 'Sri Wahyuni')
        self.assertEqual(Select(d.find_element(By.ID, 'service')).first_selected_option.get_attribute('value'),
                         'poverty_statement')
        name.clear()
        name.send_keys('Sri Wahyuni Rahayu')
        self.shot('kiosk-review-form')
        d.find_element(By.ID, 'save').click()
        wait(d, EC.url_contains('/household'))
        wait(d, EC.text_to_be_present_in_element((By.TAG_NAME, 'main'), 'Sri Wahyuni Rahayu'))
        self.shot('kiosk-accepted-household')


if __name__ == '__main__':
    unittest.main(verbosity=2)
