"""The cases page (B'DESUT) in a real headless Chromium, against the real
simpul-hub with a case pushed by a real simpul-node (simpul_env.py).

  inbox:    a village's emergency case arrives numbered; the verifier sees
            it in the inbox with its due time in WIB; markup in what was
            reported renders as text
  steps:    the verifier assigns a facilitator and refers the case to the
            puskesmas, each confirmed; the village sees both after its sync
  walk-in:  the front office opens a case for a resident at the counter
  refusals: the auditor sees no step to take; a forged CSRF token and the
            auditor's own token are refused, nothing changes
  pages:    1366x768 without horizontal scrolling; printable (steps hidden)
  export:   the verifier downloads the queue as XLSX with a purpose: NIK and
            No. KK read back as text (openpyxl), the header frozen, dates as
            dates; the auditor's CSV has the NIK masked; both audited

Screenshots and the printed case go to $SIMPUL_ARTIFACT_DIR/browser-cases/.
"""
import base64
import datetime
import glob
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simpul_env import VILLAGE, SimpulEnv, fetch, sign_in, text_of, wait  # noqa: E402

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select
except ImportError as missing:  # a failure, never a skip: CI must have the stack
    sys.exit('browser test: python3-selenium is missing (tools/setup.sh installs it): %s' % missing)

NIK, KK = '3510015211870004', '3510011211870003'
REPORTED = "<img src=x onerror=alert(1)> Ibu Ba'u pingsan, butuh rujukan"


class CasesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = SimpulEnv('cases').start()
        e = cls.env
        cls.case_id = e.node('case', 'open', '--category', 'health', '--urgency', 'emergency',
                             '--description', REPORTED)['id']
        summary = e.sync()
        assert summary.get('refused') == 0, summary
        cls.app_id = e.add_application('Siti Aminah', NIK, KK)
        summary = e.sync()
        assert summary.get('refused') == 0, summary
        cls.number = cls.hub_json('case', 'show', cls.case_id)['number']
        assert cls.number.startswith('KASUS/'), cls.number

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    @classmethod
    def hub_json(cls, *args):
        return json.loads(cls.env.hub('--json', *args).stdout)

    def assert_fits(self, d):
        width = d.execute_script('return document.documentElement.scrollWidth')
        self.assertLessEqual(width, 1366, 'the page scrolls sideways at 1366x768')

    def open_case(self, d):
        d.get(self.env.url('/case?id=' + self.case_id))
        wait(d, lambda drv: drv.find_element(By.ID, 'case-title').text != '')

    def take_step(self, d, step, fields):
        d.find_element(By.ID, 'step-' + step).click()
        wait(d, EC.visibility_of_element_located((By.ID, 'step-submit')))
        for name, value in fields.items():
            box = d.find_element(By.ID, 'in-' + name)
            if box.tag_name == 'select':
                Select(box).select_by_value(value)
            else:
                box.send_keys(value)
        d.find_element(By.ID, 'step-submit').click()
        wait(d, EC.visibility_of_element_located((By.ID, 'confirm-yes')))
        d.find_element(By.ID, 'confirm-yes').click()
        wait(d, lambda drv: 'ok' in drv.find_element(By.ID, 'message').get_attribute('class'))

    def test_01_inbox_shows_the_village_case_with_its_due_time(self):
        d = sign_in(self.env, 'vera')
        d.find_element(By.CSS_SELECTOR, '#top nav a[href="/cases"]').click()
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#cases tbody tr'))
        row = d.find_element(By.CSS_SELECTOR, '#cases tbody tr[data-id="%s"]' % self.case_id)
        self.assertIn(self.number, row.text)
        self.assertIn('Kesehatan', row.text)  # the category in Bahasa Indonesia
        self.assertIn('WIB', row.text)        # due time in the office's zone
        self.assertIn('kasus', text_of(d, '#summary'))
        self.assert_fits(d)
        self.env.screenshot(d, '01-cases-inbox')
        row.find_element(By.CSS_SELECTOR, 'a.open-case').click()
        wait(d, lambda drv: drv.find_element(By.ID, 'case-description').text == REPORTED)
        self.assertEqual(d.execute_script('return document.querySelectorAll("#case-description img").length'), 0)

    def test_02_verifier_assigns_and_refers_the_village_sees_it(self):
        d = sign_in(self.env, 'vera')
        self.open_case(d)
        self.take_step(d, 'assigned', {'facilitator': 'Rina (TKSK Pesanggaran)'})
        wait(d, lambda drv: drv.find_element(By.ID, 'case-facilitator').text == 'Rina (TKSK Pesanggaran)')
        self.take_step(d, 'referred', {'partner': 'puskesmas', 'note': 'periksa gizi anak'})
        wait(d, lambda drv: 'Puskesmas' in drv.find_element(By.ID, 'referrals').text)
        history = text_of(d, '#history')
        self.assertIn('vera', history)
        self.assertIn('periksa gizi anak', history)
        self.assert_fits(d)
        self.env.screenshot(d, '02-case-referred')
        self.assertEqual(self.hub_json('case', 'show', self.case_id)['status'], 'referred')
        self.env.sync()
        at_village = self.env.node('case', 'show', self.case_id)
        self.assertEqual(at_village['status'], 'referred')
        self.assertEqual(at_village['facilitator'], 'Rina (TKSK Pesanggaran)')

    def test_03_front_office_opens_a_walk_in_case(self):
        d = sign_in(self.env, 'vera')
        d.get(self.env.url('/cases'))
        wait(d, EC.visibility_of_element_located((By.ID, 'open-form')))
        d.find_element(By.ID, 'open-village').send_keys(VILLAGE)
        Select(d.find_element(By.ID, 'open-category')).select_by_value('housing')
        Select(d.find_element(By.ID, 'open-urgency')).select_by_value('high')
        d.find_element(By.ID, 'open-description').send_keys('Atap rumah Pak Sutrisno roboh')
        d.find_element(By.ID, 'open-submit').click()
        wait(d, lambda drv: 'KASUS/' in drv.find_element(By.ID, 'case-title').text)
        self.assertIn('KASUS/', text_of(d, '#message'))
        self.assertEqual(text_of(d, '#case-description'), 'Atap rumah Pak Sutrisno roboh')
        self.env.screenshot(d, '03-walk-in-opened')
        # A bad village code: a message on the page, nothing opened.
        before = len(self.hub_json('case', 'list'))
        d.get(self.env.url('/cases'))
        wait(d, EC.visibility_of_element_located((By.ID, 'open-form')))
        d.find_element(By.ID, 'open-village').send_keys('35.10')
        d.find_element(By.ID, 'open-description').send_keys('x')
        d.find_element(By.ID, 'open-submit').click()
        wait(d, EC.visibility_of_element_located((By.ID, 'open-message')))
        self.assertIn('35.10', text_of(d, '#open-message'))
        self.assertEqual(len(self.hub_json('case', 'list')), before)

    def test_04_auditor_and_forged_tokens_change_nothing(self):
        before = self.hub_json('case', 'show', self.case_id)
        d = sign_in(self.env, 'audi')
        self.open_case(d)
        wait(d, EC.visibility_of_element_located((By.ID, 'no-steps')))
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, '#step-buttons button'), [])
        body = {'expected_head': before['history'][-1]['id'], 'note': 'dicoba auditor'}
        refused = fetch(d, 'POST', '/api/v1/cases/%s/steps/noted' % self.case_id, body)
        self.assertEqual(refused['status'], 403, refused)
        v = sign_in(self.env, 'vera')
        self.open_case(v)
        forged = fetch(v, 'POST', '/api/v1/cases/%s/steps/noted' % self.case_id, body, csrf='0' * 64)
        self.assertEqual(forged['status'], 403, forged)
        self.assertEqual(len(self.hub_json('case', 'show', self.case_id)['history']), len(before['history']))

    def test_05_the_case_prints_without_its_steps(self):
        d = sign_in(self.env, 'vera')
        self.open_case(d)
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'print'})
        self.assertFalse(d.find_element(By.ID, 'steps').is_displayed())
        self.assertFalse(d.find_element(By.ID, 'top').is_displayed())
        self.assertTrue(d.find_element(By.ID, 'history').is_displayed())
        printed = d.execute_cdp_cmd('Page.printToPDF', {'printBackground': False})
        with open(os.path.join(self.env.artifacts, '05-case-print.pdf'), 'wb') as f:
            f.write(base64.b64decode(printed['data']))
        d.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'screen'})
        # Nothing the pages did broke the CSP (a violation is logged as an error).
        errors = [e for e in d.get_log('browser') if e['level'] == 'SEVERE' and 'Content Security Policy' in e['message']]
        self.assertEqual(errors, [])

    def test_06_export_downloads_as_xlsx_with_nik_as_text(self):
        try:
            import openpyxl
        except ImportError as e:  # a failure, never a skip
            self.fail('python3-openpyxl is missing (tools/setup.sh installs it): %s' % e)
        d = sign_in(self.env, 'vera')
        wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#queue tbody tr'))
        downloads = os.path.join(self.env.artifacts, 'downloads')
        os.makedirs(downloads, exist_ok=True)
        d.execute_cdp_cmd('Browser.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': downloads})
        # Without a purpose: refused on the page, nothing audited.
        d.find_element(By.ID, 'export-xlsx').click()
        wait(d, EC.visibility_of_element_located((By.ID, 'export-message')))
        self.assertIn('error', d.find_element(By.ID, 'export-message').get_attribute('class'))
        d.find_element(By.ID, 'export-purpose').send_keys('rekap mingguan untuk Kepala Dinas')
        d.find_element(By.ID, 'export-xlsx').click()
        wait(d, lambda drv: 'ok' in drv.find_element(By.ID, 'export-message').get_attribute('class'))
        self.env.screenshot(d, '06-queue-export')
        deadline = time.time() + 20
        files = []
        while time.time() < deadline:
            files = [f for f in glob.glob(os.path.join(downloads, '*.xlsx'))]
            if files and not glob.glob(os.path.join(downloads, '*.crdownload')):
                break
            time.sleep(0.2)
        self.assertEqual(len(files), 1, os.listdir(downloads))
        ws = openpyxl.load_workbook(files[0]).active
        header = [c.value for c in ws[1]]
        self.assertIn('NIK', header)
        self.assertIn('No. KK', header)
        nik, kk = ws.cell(2, header.index('NIK') + 1), ws.cell(2, header.index('No. KK') + 1)
        self.assertEqual((nik.value, nik.data_type), (NIK, 's'))
        self.assertEqual((kk.value, kk.data_type), (KK, 's'))
        self.assertEqual(ws.freeze_panes, 'A2')
        since = ws.cell(2, 8).value
        self.assertIsInstance(since, datetime.datetime)
        audited = self.hub_json('audit', '--action', 'export')
        self.assertTrue(any('rekap mingguan untuk Kepala Dinas' in (e.get('detail') or '') for e in audited), audited)
        # The SIPERJAKE district recap, from the same form: counts per kecamatan and village.
        d.find_element(By.ID, 'export-siperjake').click()
        deadline = time.time() + 20
        recap = []
        while time.time() < deadline:
            recap = [f for f in glob.glob(os.path.join(downloads, '*.xlsx')) if f not in files]
            if recap and not glob.glob(os.path.join(downloads, '*.crdownload')):
                break
            time.sleep(0.2)
        self.assertEqual(len(recap), 1, os.listdir(downloads))
        sheet = openpyxl.load_workbook(recap[0]).active
        self.assertEqual([c.value for c in sheet[1]][:4], ['Kode kecamatan', 'Kecamatan', 'Kode desa', 'Desa/kelurahan'])
        self.assertIn('Jumlah kabupaten', [c.value for c in sheet['B']])
        # The auditor's export masks the NIK.
        a = sign_in(self.env, 'audi')
        wait(a, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#queue tbody tr'))
        self.assertTrue(a.find_element(By.ID, 'export-masked').is_displayed())
        csv = fetch(a, 'GET', '/api/v1/exports/queue?format=csv&purpose=sampel%20audit', None)
        self.assertEqual(csv['status'], 200, csv)
        self.assertIn('3510********0004', csv['text'])
        self.assertNotIn(NIK, csv['text'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
