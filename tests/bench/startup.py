#!/usr/bin/env python3
"""startup.py: exec-to-ready time and idle RSS of `secmock serve`.

Starts `secmock serve` N times with every service this build knows (secmock_proc.services:
every variant, as many as one process holds), measures the wall time from exec to the ready file's
appearance (median and p90 of N runs), then keeps one process up for half a second and reads its
VmRSS from /proc.

usage: startup.py SECMOCK [--runs N]     (tests/bench/bench.py imports measure())
"""
import os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import secmock_proc  # noqa: E402


def one(secmock, svcs, keep=False):
    s = secmock_proc.Serve(secmock, svcs)
    try:
        rss = None
        if keep:
            time.sleep(0.5)  # let the listener threads settle before reading the RSS
            rss = secmock_proc.rss_kb(s.pid) / 1024
        return s.ready_ms, rss
    finally:
        s.cleanup()


def floor_ms(secmock, runs):
    """Median wall time of `secmock --version`, timed the same way (Popen to exit): what loading
    the executable and its shared libraries costs on this machine before serve does anything."""
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run([secmock, "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[1:])


def measure(secmock, runs=20):
    """{services, median_ms, p90_ms, demo_median_ms, floor_ms, idle_rss_mb}."""
    svcs = secmock_proc.services(secmock)
    one(secmock, svcs)  # warm the page cache
    times = sorted(one(secmock, svcs)[0] for _ in range(runs))
    demo = statistics.median(one(secmock, ["demo"])[0] for _ in range(runs))
    _, rss = one(secmock, svcs, keep=True)
    return {"services": svcs, "median_ms": statistics.median(times),
            "p90_ms": times[int(0.9 * (len(times) - 1))], "demo_median_ms": demo,
            "floor_ms": floor_ms(secmock, runs), "idle_rss_mb": rss}


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print("usage: startup.py SECMOCK [--runs N]   (exec-to-ready median and p90, idle RSS)")
        sys.exit(0 if len(sys.argv) > 1 else 2)
    secmock = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 20
    m = measure(secmock, runs)
    print(f"services: {','.join(m['services'])}")
    print(f"exec_to_ready_ms_median: {m['median_ms']:.2f}")
    print(f"exec_to_ready_ms_p90: {m['p90_ms']:.2f}")
    print(f"exec_to_ready_ms_median_demo_only: {m['demo_median_ms']:.2f}")
    print(f"secmock_version_ms_median: {m['floor_ms']:.2f}")
    print(f"idle_rss_mb: {m['idle_rss_mb']:.1f}")


if __name__ == "__main__":
    main()
