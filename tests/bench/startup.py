#!/usr/bin/env python3
"""startup.py: exec-to-ready time and idle RSS of `secmock serve`.

Starts `secmock serve` N times with every service this build knows (from
`secmock serve --list`), measures the wall time from exec to the ready file's
appearance (median and p90 of N runs), then keeps one process up for a moment
and reads its VmRSS from /proc.

usage: startup.py SECMOCK [--runs N]
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

def services(secmock):
    out = subprocess.run([secmock, "serve", "--list"], capture_output=True, text=True, check=True)
    names = []
    for line in out.stdout.splitlines():
        if line.startswith("  "):
            names.append(line.strip())
        elif line.strip():
            names.append(line.split()[0])
    # a type with variants is listed by its variants; its bare name is the default variant
    typed = {n.split("-")[0] for n in names if "-" in n}
    return [n for n in names if "-" in n or n not in typed]

def one(secmock, svcs, keep=False):
    d = tempfile.mkdtemp(prefix="secmock-bench-")
    ready = os.path.join(d, "ready.json")
    t0 = time.perf_counter()
    p = subprocess.Popen([secmock, "serve", "--services", ",".join(svcs), "--ready-file", ready,
                          "--tls-dir", d], stderr=subprocess.DEVNULL)
    while not os.path.exists(ready):
        if p.poll() is not None:
            sys.exit(f"secmock serve exited with {p.returncode}")
        time.sleep(0.0002)
    dt = (time.perf_counter() - t0) * 1000
    rss = None
    if keep:
        time.sleep(0.5)
        with open(f"/proc/{p.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
    p.terminate()
    p.wait(5)
    shutil.rmtree(d, ignore_errors=True)
    return dt, rss

def main():
    secmock = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 20
    svcs = services(secmock)
    one(secmock, svcs)  # warm the page cache
    times = sorted(one(secmock, svcs)[0] for _ in range(runs))
    _, rss = one(secmock, svcs, keep=True)
    print(f"services: {','.join(svcs)}")
    print(f"exec_to_ready_ms_median: {statistics.median(times):.2f}")
    print(f"exec_to_ready_ms_p90: {times[int(0.9 * (len(times) - 1))]:.2f}")
    print(f"idle_rss_mb: {rss:.1f}")

main()
