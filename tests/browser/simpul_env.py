"""A real Simpul hub with data pushed by a real village node, and a real
headless Chromium, for the browser tests (tests/browser/*_test.py).

The village web app (`simpul-node ui`) can be served beside it:
`add_village_accounts()` then `start_ui()`; `stop_hub()` / `start_hub()`
take the hub away and bring it back on the same port (a cut link).

One SimpulEnv per suite: it makes a hub (with operator accounts), starts
`simpul-hub serve` on a free port, makes and enrols a village node, and
offers helpers to add residents and applications at the village (with
scanned documents), submit and sync them, exactly as a village operator
would with simpul-node. `browser()` gives a Selenium driver for Debian's
chromium at 1366x768; screenshots go to the suite's artefact directory
under the build tree.

The browser stack is required: if chromium, chromedriver or selenium is
missing, the suite fails (never skips) saying what to install.

Environment: SIMPUL_BIN_DIR (the directory of simpul-hub and simpul-node;
ctest sets it), SIMPUL_ARTIFACT_DIR (where screenshots go; ctest sets it).
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

PASSWORDS = {
    'admin': 'passw0rd-admin',
    'vera': 'passw0rd-vera',      # hub_verifier
    'vina': 'passw0rd-vina',      # hub_verifier (a second one)
    'oki': 'passw0rd-oki',        # approving_official
    'audi': 'passw0rd-audi',      # auditor
    'kiki': 'passw0rd-kiki',      # kecamatan_verifier
}
ROLES = {'vera': 'hub_verifier', 'vina': 'hub_verifier', 'oki': 'approving_official', 'audi': 'auditor',
         'kiki': 'kecamatan_verifier'}
# Who records a service rule's stage at the hub (the role it names).
STAGE_USERS = {'hub_verifier': 'vera', 'kecamatan_verifier': 'kiki'}
# The documents a poverty statement's service rule requires.
REQUIRED_SCANS = ('kk', 'ktp')
VILLAGE = '35.10.01.2001'  # Sarongan, Pesanggaran, Banyuwangi (WIB)
NODE_PASSPHRASE = 'kantor desa sarongan 2026'
# The village store's operator accounts (add_village_accounts).
VILLAGE_PASSWORDS = {
    'kades': 'passw0rd-kades',    # administrator
    'ani': 'passw0rd-ani',        # village_operator
}


class SimpulError(AssertionError):
    pass


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for_port(port, proc, what, log):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise SimpulError('%s exited; see %s' % (what, log))
            time.sleep(0.1)
    raise SimpulError('%s never opened its port' % what)


def png_bytes(width=64, height=48, rgb=(40, 120, 200)):
    """A small valid PNG (a 'scan'): solid colour with a darker band."""
    light, dark = b'\x00' + bytes(rgb) * width, b'\x00' + bytes(c // 3 for c in rgb) * width
    rows = b''.join(light if y % 12 > 3 else dark for y in range(height))
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def pdf_bytes(text='Surat pengantar desa'):
    """A minimal one-page PDF with `text`."""
    content = ('BT /F1 18 Tf 40 760 Td (%s) Tj ET' % text).encode()
    objs = [b'<< /Type /Catalog /Pages 2 0 R >>',
            b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
            b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R '
            b'/Resources << /Font << /F1 5 0 R >> >> >>',
            b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream',
            b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
    out = b'%PDF-1.4\n'
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % i + o + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    for off in offsets:
        out += b'%010d 00000 n \n' % off
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
    return out


# --- page helpers the suites share ---------------------------------------------

def wait(driver, cond, timeout=15):
    """Waits until `cond(driver)` is true. A page that redraws a row while
    the condition reads it (a stale element), or that navigates while the
    condition reads it (sign-in going on to the first page: chromedriver
    answers "aborted by navigation"), is simply asked again."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def asked_again_after_navigation(d):
        try:
            return cond(d)
        except StaleElementReferenceException:
            raise
        except WebDriverException as e:
            # Navigating, or a node replaced while chromedriver resolved it
            # ("does not belong to the document": a redraw, like a stale element).
            if 'aborted by navigation' in (e.msg or '') or 'does not belong to the document' in (e.msg or ''):
                return False
            raise
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        asked_again_after_navigation)


def text_of(driver, css):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, css).text


def fetch(driver, method, path, body=None, csrf='session'):
    """fetch() from the page, as its own script would (csrf='session' sends
    the session's token, None sends none, any other string is sent as is)."""
    return driver.execute_async_script("""
        const [method, path, body, csrf, done] = arguments;
        (async () => {
          const headers = {};
          if (body !== null) headers['Content-Type'] = 'application/json';
          let token = csrf;
          if (csrf === 'session') {
            const s = await fetch('/api/v1/session', {credentials: 'same-origin'});
            token = (await s.json()).csrf_token;
          }
          if (token !== null) headers['X-CSRF-Token'] = token;
          const r = await fetch(path, {method, headers, credentials: 'same-origin',
                                       body: body === null ? undefined : JSON.stringify(body)});
          const buf = new Uint8Array(await r.arrayBuffer());
          let head = '';
          for (let i = 0; i < Math.min(buf.length, 8); i++) head += String.fromCharCode(buf[i]);
          let text = '';
          try { text = new TextDecoder().decode(buf); } catch (e) {}
          done({status: r.status, type: r.headers.get('content-type'),
                disposition: r.headers.get('content-disposition'), csp: r.headers.get('content-security-policy'),
                head, text: text.slice(0, 4000), size: buf.length});
        })().catch(e => done({status: -1, text: String(e)}));
    """, method, path, body, csrf)


def attach_scan(driver, kind, path, shown_name=None):
    """In the village app's application page: types the path of a scan into
    the file input of document `kind` (as the file chooser would), and waits
    until its row shows the attached file (`shown_name`, else the file's
    name). Returns the page's message (what was attached, and whether the
    photo was made smaller)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    name = shown_name or os.path.basename(path)

    def shown(drv):  # the page redraws the row after the upload
        try:
            return name in drv.find_element(By.ID, 'doc-' + kind).text
        except StaleElementReferenceException:
            return False
    driver.find_element(By.ID, 'doc-file-' + kind).send_keys(path)
    wait(driver, shown, timeout=30)
    return text_of(driver, '#message')


class SimpulEnv:
    def __init__(self, suite):
        self.suite = suite
        self.bin = os.environ.get('SIMPUL_BIN_DIR') or os.path.join(os.path.dirname(__file__), '../../build/bin')
        for b in ('simpul-hub', 'simpul-node'):
            if not os.access(os.path.join(self.bin, b), os.X_OK):
                raise SimpulError('%s not found in %s (set SIMPUL_BIN_DIR)' % (b, self.bin))
        self.artifacts = os.path.join(os.environ.get('SIMPUL_ARTIFACT_DIR') or tempfile.gettempdir(),
                                      'browser-' + suite)
        shutil.rmtree(self.artifacts, ignore_errors=True)
        os.makedirs(self.artifacts)
        self.work = tempfile.mkdtemp(prefix='simpul-browser-%s-' % suite)
        self.hub_dir = os.path.join(self.work, 'hub')
        self.node_dir = os.path.join(self.work, 'village')
        self.env = {k: v for k, v in os.environ.items() if not k.startswith('SIMPUL_') and not k.startswith('LC_')}
        self.env.update({'LANG': 'C', 'HOME': self.work, 'XDG_DATA_HOME': '', 'XDG_RUNTIME_DIR': self.work})
        self.hub_proc = None
        self.hub_log = None
        self.drivers = []
        self.port = None
        self.node_user = None  # the CLI's account once the village store has accounts
        self.ui_proc = None
        self.ui_port = None
        self.kiosk_port = None

    # --- processes ---------------------------------------------------------

    def run(self, binary, args, extra_env=None, check=True):
        env = dict(self.env)
        env.update(extra_env or {})
        r = subprocess.run([os.path.join(self.bin, binary)] + args, env=env, capture_output=True, text=True,
                           timeout=120)
        if check and r.returncode != 0:
            raise SimpulError('%s %s -> exit %d\n%s%s' % (binary, ' '.join(args), r.returncode, r.stdout, r.stderr))
        return r

    def hub(self, *args, user='admin', check=True, extra_env=None):
        env = {'SIMPUL_USER': user, 'SIMPUL_PASSWORD': PASSWORDS[user]} if user else {}
        env.update(extra_env or {})
        return self.run('simpul-hub', ['--data', self.hub_dir] + list(args), env, check)

    def node(self, *args, check=True, extra_env=None):
        env = {'SIMPUL_PASSPHRASE': NODE_PASSPHRASE}
        if self.node_user:
            env.update({'SIMPUL_USER': self.node_user, 'SIMPUL_PASSWORD': VILLAGE_PASSWORDS[self.node_user]})
        env.update(extra_env or {})
        r = self.run('simpul-node', ['--data', self.node_dir, '--json'] + list(args), env, check)
        try:
            return json.loads(r.stdout) if r.stdout.strip() else {}
        except json.JSONDecodeError:
            return {'text': r.stdout}

    def start(self):
        """Hub with accounts, serving; one village node enrolled."""
        self.run('simpul-hub', ['--data', self.hub_dir, 'init', '--name', 'Dinas Sosial Kabupaten Banyuwangi'])
        self.hub('user', 'add', 'admin', '--role', 'administrator', user=None,
                 extra_env={'SIMPUL_NEW_PASSWORD': PASSWORDS['admin']})
        for name, role in ROLES.items():
            self.hub('user', 'add', name, '--role', role, extra_env={'SIMPUL_NEW_PASSWORD': PASSWORDS[name]})
        self.port = free_port()
        self.start_hub()
        self.node('init', '--village', VILLAGE)
        code = json.loads(self.hub('--json', 'node', 'enrol', '--village', VILLAGE).stdout)['code']
        self.node('enrol', '--hub', self.url(''), '--code', code)
        return self

    def start_hub(self):
        """`simpul-hub serve` on self.port (again, after stop_hub)."""
        if self.hub_log is None:
            self.hub_log = open(os.path.join(self.artifacts, 'hub.log'), 'w')
        self.hub_proc = subprocess.Popen(
            [os.path.join(self.bin, 'simpul-hub'), '--data', self.hub_dir, 'serve', '--listen',
             '127.0.0.1:%d' % self.port], env=self.env, stdout=self.hub_log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.hub_proc, 'simpul-hub serve', self.hub_log.name)

    def stop_hub(self):
        if self.hub_proc and self.hub_proc.poll() is None:
            self.hub_proc.send_signal(signal.SIGTERM)
            try:
                self.hub_proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.hub_proc.kill()
                self.hub_proc.wait()

    def url(self, path):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    # --- the village web app -------------------------------------------------

    def add_village_accounts(self):
        """An administrator, then a village operator, in the village store;
        the CLI calls of node() sign in as the administrator from then on."""
        self.node('user', 'add', 'kades', '--role', 'administrator',
                  extra_env={'SIMPUL_NEW_PASSWORD': VILLAGE_PASSWORDS['kades']})
        self.node_user = 'kades'
        self.node('user', 'add', 'ani', '--role', 'village_operator',
                  extra_env={'SIMPUL_NEW_PASSWORD': VILLAGE_PASSWORDS['ani']})

    def start_ui(self, kiosk=False):
        """`simpul-node ui` on a free 127.0.0.1 port, started as the office
        starts it: no passphrase in its environment (the page unlocks).
        With `kiosk`, the self-registration kiosk too, on another free
        127.0.0.1 port (the office LAN address in real use): kiosk_url()."""
        self.ui_port = free_port()
        self.ui_log = open(os.path.join(self.artifacts, 'ui.log'), 'w')
        args = ['--listen', '127.0.0.1:%d' % self.ui_port]
        if kiosk:
            self.kiosk_port = free_port()
            args += ['--kiosk', '--kiosk-listen', '127.0.0.1:%d' % self.kiosk_port]
        self.ui_proc = subprocess.Popen(
            [os.path.join(self.bin, 'simpul-node'), '--data', self.node_dir, 'ui'] + args,
            env=self.env, stdout=subprocess.PIPE, stderr=self.ui_log, text=True)
        line = self.ui_proc.stdout.readline()
        if 'http://127.0.0.1:%d/' % self.ui_port not in line:
            raise SimpulError('simpul-node ui did not print its address: %r (see %s)' % (line, self.ui_log.name))
        if kiosk:
            line = self.ui_proc.stdout.readline()
            if self.kiosk_url('/') not in line:
                raise SimpulError('simpul-node ui did not print the kiosk: %r (see %s)' % (line, self.ui_log.name))
        wait_for_port(self.ui_port, self.ui_proc, 'simpul-node ui', self.ui_log.name)

    def kiosk_url(self, path):
        return 'http://127.0.0.1:%d%s' % (self.kiosk_port, path)

    def ui_url(self, path):
        return 'http://127.0.0.1:%d%s' % (self.ui_port, path)

    def stop(self):
        for d in self.drivers:
            try:
                d.quit()
            except Exception:  # the browser may be gone already
                pass
        self.stop_hub()
        if self.ui_proc and self.ui_proc.poll() is None:
            self.ui_proc.send_signal(signal.SIGTERM)
            try:
                self.ui_proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.ui_proc.kill()
        for log in (self.hub_log, getattr(self, 'ui_log', None)):
            if log:
                log.close()
        shutil.rmtree(self.work, ignore_errors=True)

    # --- village data --------------------------------------------------------

    def write_file(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def add_application(self, name, nik, kk, scans=(), purpose='Berobat ke RSUD Blambangan', submit=True):
        """A household, its head `name`, a poverty-statement application with
        indicator answers and `scans` [(kind, filename, bytes)], submitted."""
        hh = self.node('household', 'add', '--kk', kk, '--address', 'Dusun Krajan', '--rt', '1', '--rw', '2')['id']
        person = self.node('person', 'add', '--household', hh, '--name', name, '--nik', nik, '--sex', 'P',
                           '--birth-date', '1987-11-12', '--relation', '1', '--phone', '0812-3456-7890')['id']
        app = self.node('application', 'new', '--type', 'poverty_statement', '--applicant', person,
                        '--purpose', purpose)['id']
        self.node('application', 'answer', app, 'no_shelter=tidak', 'head_not_working=ya', 'earth_floor=ya')
        scans = list(scans)
        for kind in REQUIRED_SCANS:  # submitting without them is refused
            if not any(k == kind for k, _, _ in scans):
                scans.append((kind, '%s-%s.pdf' % (kind, nik), b'%PDF-1.4 ' + kind.encode() + b'\n'))
        for kind, filename, data in scans:
            self.node('application', 'attach', app, '--kind', kind, '--file', self.write_file(filename, data))
        if submit:
            self.node('application', 'submit', app)
        return app

    def sync(self):
        return self.node('sync')

    def pass_stages(self, app, stop_before=None):
        """Every stage of `app`'s service rule, in order, by its side: the
        village's at the node (then a sync), Dinsos's at the hub by a user of
        the role the rule names. An approval is refused until they are.
        With `stop_before`, stops when that stage is next (a page records it)."""
        for _ in range(10):
            shown = json.loads(self.hub('--json', 'application', 'show', app).stdout)
            stage, role = shown['next_stage'], shown['next_stage_role']
            if not stage or stage == stop_before:
                return
            if role == 'village_operator':
                self.node('application', 'stage', app, stage, '--note', 'Cek lapangan: sesuai')
                self.sync()
            else:
                self.hub('application', 'stage', app, stage, '--note', 'Diperiksa: sesuai', user=STAGE_USERS[role])
        raise SimpulError('the stages of %s never finished' % app)

    # --- the browser ---------------------------------------------------------

    def browser(self):
        """Headless Chromium at 1366x768. Fails (never skips) without the stack."""
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError as e:
            raise SimpulError('python3-selenium is missing (tools/setup.sh installs it): %s' % e)
        for path in ('/usr/bin/chromium', '/usr/bin/chromedriver'):
            if not os.access(path, os.X_OK):
                raise SimpulError('%s is missing: apt-get install chromium chromium-driver (tools/setup.sh)' % path)
        opts = webdriver.ChromeOptions()
        opts.binary_location = '/usr/bin/chromium'
        # A fake camera that needs no permission prompt: the village app's
        # "Camera" button is driven as a person would use the laptop's.
        for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1366,768',
                  '--disable-dev-shm-usage', '--lang=id', '--user-data-dir=' + tempfile.mkdtemp(dir=self.work),
                  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'):
            opts.add_argument(a)
        opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
        driver.set_window_size(1366, 768)
        driver.implicitly_wait(0)
        self.drivers.append(driver)
        return driver

    def screenshot(self, driver, name):
        path = os.path.join(self.artifacts, name + '.png')
        driver.save_screenshot(path)
        return path


def sign_in(env, user, password=None):
    """A new browser signed in as `user` (Bahasa Indonesia), on the queue."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    d = env.browser()
    d.get(env.url('/signin'))
    wait(d, EC.text_to_be_present_in_element((By.ID, 'signin-submit'), 'Masuk'))
    d.find_element(By.ID, 'name').send_keys(user)
    d.find_element(By.ID, 'password').send_keys(password or PASSWORDS[user])
    d.find_element(By.ID, 'signin-submit').click()
    if password is None:
        wait(d, EC.presence_of_element_located((By.ID, 'who')))
    return d


def village_sign_in(env, user='ani'):
    """A new browser on the village app (`env.start_ui()` first), the store
    unlocked with the office passphrase typed in the page if it is locked,
    signed in as the village account `user` (Bahasa Indonesia)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    d = env.browser()
    d.get(env.ui_url('/'))
    wait(d, lambda drv: '/unlock' in drv.current_url or '/signin' in drv.current_url)
    if '/unlock' in d.current_url:
        wait(d, EC.text_to_be_present_in_element((By.ID, 'unlock-submit'), 'Buka'))
        d.find_element(By.ID, 'passphrase').send_keys(NODE_PASSPHRASE)
        d.find_element(By.ID, 'unlock-submit').click()
        wait(d, EC.url_contains('/signin'))
    wait(d, EC.text_to_be_present_in_element((By.ID, 'signin-submit'), 'Masuk'))
    d.find_element(By.ID, 'name').send_keys(user)
    d.find_element(By.ID, 'password').send_keys(VILLAGE_PASSWORDS[user])
    d.find_element(By.ID, 'signin-submit').click()
    wait(d, EC.presence_of_element_located((By.ID, 'who')))
    return d


def open_dashboard(env, driver, query=''):
    """Opens the dashboard, waits for its figures and for every chart image
    to have loaded (an SVG the browser decoded); returns the tiles' texts."""
    from selenium.webdriver.common.by import By
    driver.get(env.url('/dashboard' + query))
    wait(driver, lambda d: d.find_element(By.ID, 'n-applications').text != '')
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#figures img') and d.execute_script(
        "return [...document.querySelectorAll('#figures img')].every(i => i.complete && i.naturalWidth > 0)"))
    return {k: text_of(driver, '#n-' + k) for k in ('applications', 'median', 'p90', 'cases-open', 'cases-overdue')}

