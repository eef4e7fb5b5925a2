"""secmock_proc.py: what the benchmark and load scripts share about a `secmock serve` process.

- services(secmock): every service this build can run, one name per instance (variants where a type
  has them), from `secmock serve --list`
- Serve: starts `secmock serve` with a ready file, waits for it (told by inotify that it appeared,
  never by a fixed sleep, nor by polling that would take CPU from the process it times), and stops
  the process; .admin(), .url(name) and .call() speak to it
- rss_kb(pid): VmRSS of a process, in KiB
- build(dir, build_type, extra): configures (once) and builds the secmock target in a build folder

Only the standard library: these scripts must run on a fresh machine after ci/install-deps.
"""
import ctypes, json, os, select, shutil, subprocess, sys, tempfile, time, urllib.error, urllib.request

MAX_SERVICES = 16  # mock/kit: a process holds at most 16 services
IN_CREATE, IN_MOVED_TO = 0x100, 0x80  # <sys/inotify.h>


class _Appears:
    """Tells when a file appears in a folder, by inotify (through libc: only the standard library).
    A busy poll for it would compete for the CPUs with the process being timed; without inotify it
    falls back to polling every 0.2 ms."""

    def __init__(self, folder):
        self.fd = -1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
            if fd >= 0 and libc.inotify_add_watch(fd, folder.encode(), IN_CREATE | IN_MOVED_TO) >= 0:
                self.fd = fd
            elif fd >= 0:
                os.close(fd)
        except (OSError, AttributeError):
            self.fd = -1

    def wait(self, seconds):
        """Returns after an event in the folder, or after `seconds` at most."""
        if self.fd < 0:
            time.sleep(min(seconds, 0.0002))
            return
        if select.select([self.fd], [], [], seconds)[0]:
            try:
                os.read(self.fd, 65536)
            except BlockingIOError:
                pass

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def services(secmock):
    out = subprocess.run([secmock, "serve", "--list"], capture_output=True, text=True, check=True)
    types = []  # (type, [variants]) in listing order
    for line in out.stdout.splitlines():
        if line.startswith("  "):
            types[-1][1].append(line.strip())
        elif line.strip():
            types.append((line.split()[0], []))
    # A type with variants runs as its variants (its bare name is the default variant). One process
    # holds at most 16 services: while there are more, the type with the most variants runs once by
    # its bare name (mimecast's bare listener serves the accounts of every grid).
    expand = {t for t, v in types if v}
    while sum(len(v) if t in expand else 1 for t, v in types) > MAX_SERVICES and expand:
        expand.discard(max(expand, key=lambda t: len(dict(types)[t])))
    names = []
    for t, v in types:
        names.extend(v if t in expand else [t])
    return names


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def build(src, build_dir, build_type, extra=()):
    """Configures build_dir once and builds the secmock target; returns the binary's path."""
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", src, "-B", build_dir, "-G", "Ninja",
                        f"-DCMAKE_BUILD_TYPE={build_type}", "-DSECMOCK_TESTS=OFF", *extra],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", "secmock"], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(build_dir, "secmock")


class Serve:
    """One `secmock serve` process. stderr goes to a file (self.stderr_path) so that a sanitizer
    report can be read afterwards."""

    def __init__(self, secmock, svcs, args=(), state=None, timeout=60):
        self.dir = tempfile.mkdtemp(prefix="secmock-bench-")
        self.ready_path = os.path.join(self.dir, "ready.json")
        self.stderr_path = os.path.join(self.dir, "stderr.txt")
        cmd = [secmock, "serve", "--services", ",".join(svcs), "--ready-file", self.ready_path,
               "--tls-dir", self.dir, *args]
        if state is not None:
            path = os.path.join(self.dir, "state.json")
            with open(path, "w") as f:
                json.dump(state, f)
            cmd += ["--state", path]
        appears = _Appears(self.dir)  # watching before the start: the event cannot be missed
        self.t0 = time.perf_counter()
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        self.pid = self.proc.pid
        end = time.monotonic() + timeout
        try:
            while not os.path.exists(self.ready_path):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"secmock serve exited with {self.proc.returncode} before it "
                                       f"was ready: {self.stderr()[-2000:]}")
                if time.monotonic() > end:
                    self.stop()
                    raise RuntimeError(f"secmock serve was not ready after {timeout} s")
                appears.wait(0.05)  # an exit is noticed within 50 ms
            self.ready_ms = (time.perf_counter() - self.t0) * 1000
        finally:
            appears.close()
        with open(self.ready_path) as f:
            self.ready = json.load(f)

    def admin(self):
        return self.ready["admin"]

    def url(self, name):
        return self.ready["services"][name]

    def call(self, method, url, body=None, headers=None, raw=False):
        """One HTTP exchange; returns (status, body as JSON, or bytes when raw)."""
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, payload = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, payload = e.code, e.read()
        if raw:
            return status, payload
        return status, json.loads(payload) if payload else None

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM, then waits; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
