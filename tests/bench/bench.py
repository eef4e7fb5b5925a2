#!/usr/bin/env python3
"""bench.py: the benchmark suite's measurements; tests/bench/run builds and calls it.

    bench.py SECMOCK OUT.md [--quick] [--duration S]

Measures, on the given (Release) secmock, and writes OUT.md (docs/performance.md) whole, each
figure with the command that produced it, its target and the date:

  startup    exec-to-ready median and p90 of 20 runs, idle RSS, every service (startup.py)
  trivial    demo GET /ping with wrk -t1 -c32, beside bare libmicrohttpd serving the same bytes
             (../shared/bench/peers.sh, one run), then ours again alone, the same way: the p99
  mimecast   POST /api/ttp/url/get-logs, API 1.0 MC signature verified on every request, 20
             records a page out of 100k, beside WireMock and Mountebank serving the same bytes as
             a static stub (peers.sh, one run), then ours again alone: the p99
  services   the main endpoint of each service in one process with every service, wrk -t1 -c32:
             Mimecast get-logs, Threat Response enrich observe (bearer), Netskope dataexport
             iterator, SSE device status; then the process's RSS (loaded RSS)
  ingest     `secmock client mimecast ingest` of 100k and 1M URL records in pages of 500:
             records/s end to end and the client's max RSS
  scenarios  the wall time of `secmock run scenarios`

--quick skips peers.sh (which needs Java and npm) and the 1M ingest.
"""
import argparse, datetime, json, os, platform, re, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(root, "tests", "load"))
import secmock_proc  # noqa: E402
import startup  # noqa: E402
import state as load_state  # noqa: E402

PEERS = os.path.join(os.path.dirname(root), "shared", "bench", "peers.sh")
WRK = ["wrk", "-t1", "-c32", "-d8s", "--latency"]


def lua(method, body, headers):
    """A wrk script sending one fixed request."""
    def q(s):
        return "[==[" + s + "]==]"
    lines = [f"wrk.method = {q(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {q(body)}")
    for h in headers:
        k, v = h.split(": ", 1)
        lines.append(f"wrk.headers[ {q(k)} ] = {q(v)}")
    return "\n".join(lines) + "\n"


def ms(text):
    """wrk's latency ('812.00us', '1.20ms', '2.01s') in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s)$", text)
    if not m:
        return None
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]


def run_wrk(url, script, work):
    path = os.path.join(work, f"wrk{abs(hash(url + script))}.lua")
    with open(path, "w") as f:
        f.write(script)
    subprocess.run(["wrk", "-t1", "-c32", "-d2s", "-s", path, url], capture_output=True)  # warm-up
    out = subprocess.run([*WRK, "-s", path, url], capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p99_ms": ms(p99.group(1)) if p99 else None,
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def peers(body_file, ours_url, ours_lua):
    """peers.sh's table: {server: {rps, p99_ms, non2xx}}."""
    out = subprocess.run(["bash", PEERS, "--body", body_file, "--ours-url", ours_url, "--ours-lua",
                          ours_lua], capture_output=True, text=True)
    rows = {}
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0] in ("static_mhd", "wiremock", "mountebank", "ours"):
            rows[f[0]] = {"rps": float(f[1]), "p99_ms": ms(f[2]), "non2xx": int(f[3])}
    if "ours" not in rows:
        raise RuntimeError(f"peers.sh gave no figures for ours: {out.stderr[-2000:]}")
    return rows


def bench_trivial(secmock, work):
    s = secmock_proc.Serve(secmock, ["demo"], ["--threads", "1"])
    try:
        url = s.url("demo") + "/ping"
        _, body = s.call("GET", url, raw=True)
        path = os.path.join(work, "ping.json")
        with open(path, "wb") as f:
            f.write(body)
        rows = peers(path, url, os.path.join(here, "get.lua"))
        with open(os.path.join(here, "get.lua")) as f:
            rows["alone"] = run_wrk(url, f.read(), work)
        return rows
    finally:
        s.cleanup()


def mimecast_page(s, base):
    """The body of a signed first page (20 records) and the wrk script that asks for it."""
    logs = "/api/ttp/url/get-logs"
    headers = load_state.mc_signed(logs, "bench-0000-4000-8000-000000000000")
    body = load_state.url_logs_body()
    st, page = s.call("POST", base + logs, body, dict(h.split(": ", 1) for h in headers), raw=True)
    if st != 200 or json.loads(page)["meta"]["pagination"]["pageSize"] != 20:
        raise RuntimeError(f"mimecast get-logs answered {st}: {page[:300]!r}")
    return page, lua("POST", body, headers)


def bench_mimecast(secmock, work):
    s = secmock_proc.Serve(secmock, ["mimecast"], ["--no-tls", "all", "--clock", load_state.CLOCK,
                                                   "--freeze"], state={"mimecast": load_state.mimecast()})
    try:
        page, script = mimecast_page(s, s.url("mimecast"))
        body_path, lua_path = os.path.join(work, "page.json"), os.path.join(work, "mc.lua")
        with open(body_path, "wb") as f:
            f.write(page)
        with open(lua_path, "w") as f:
            f.write(script)
        rows = peers(body_path, s.url("mimecast") + "/api/ttp/url/get-logs", lua_path)
        rows["alone"] = run_wrk(s.url("mimecast") + "/api/ttp/url/get-logs", script, work)
        rows["page_bytes"] = len(page)
        return rows
    finally:
        s.cleanup()


def bench_services(secmock, work):
    """Each service's main endpoint in one process with every service; then its RSS."""
    svcs = secmock_proc.services(secmock)
    st = load_state.state()
    st["mimecast"] = st.pop("mimecast-global", load_state.mimecast())
    s = secmock_proc.Serve(secmock, svcs, ["--no-tls", "all", "--clock", load_state.CLOCK, "--freeze"],
                           state=st)
    try:
        reqs = {}
        for name, method, path, body, headers in load_state.requests(s):
            reqs.setdefault((name, path.split("?")[0]), (method, path, body, headers))
        picks = [("mimecast", "/api/ttp/url/get-logs", "Mimecast URL logs, API 1.0 signed, 20 of 100k"),
                 ("ctr-nam", "/iroh/iroh-enrich/observe/observables", "Threat Response enrich observe"),
                 ("netskope", "/api/v2/events/dataexport/alerts/malware",
                  "Netskope dataexport iterator (head, 100 a page)"),
                 ("sse-nam", "/v1/devices/874141f7-903f-4be9-b14e-45a7f34a2032", "SSE device status")]
        out = {}
        for name, path, label in picks:
            method, full, body, headers = reqs[(name, path)]
            r = run_wrk(s.url(name) + full, lua(method, None if body == "-" else body, headers), work)
            r["label"] = label
            r["endpoint"] = f"{method} {full.split('?')[0]}"
            out[name] = r
        out["loaded_rss_mb"] = secmock_proc.rss_kb(s.pid) / 1024
        return out
    finally:
        s.cleanup()


def bench_ingest(secmock, count, work):
    """One `secmock client mimecast ingest` of `count` URL records; the mock runs on the wall clock
    with records ending ten minutes ago."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start = now - datetime.timedelta(seconds=2 * count + 600)
    mc = load_state.mimecast(count)
    mc["accounts"][0]["logs"]["url"]["generate"]["start"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    s = secmock_proc.Serve(secmock, ["mimecast"], ["--no-tls", "all"], state={"mimecast": mc})
    try:
        cp, alerts = os.path.join(work, f"cp{count}.json"), os.path.join(work, f"alerts{count}.jsonl")
        cmd = [secmock, "client", "mimecast", "ingest", "--type", "url", "--base-url", s.url("mimecast"),
               "--app-id", load_state.MC_APP_ID, "--app-key", load_state.MC_APP_KEY,
               "--access-key", load_state.MC_ACCESS, "--secret-key", load_state.MC_SECRET,
               "--since", start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--page-size", "500",
               "--checkpoint", cp, "-o", alerts]
        outp, errp = os.path.join(work, "ingest.out"), os.path.join(work, "ingest.err")
        t0 = time.perf_counter()
        with open(outp, "w") as o, open(errp, "w") as e:
            p = subprocess.Popen(cmd, stdout=o, stderr=e)
            _, status, ru = os.wait4(p.pid, 0)  # the client's own rusage: its max RSS
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        with open(outp) as o, open(errp) as e:
            out, err = o.read(), e.read()
        summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        if p.returncode != 0 or summary.get("records") != count:
            raise RuntimeError(f"ingest of {count} exited {p.returncode} with {summary}: {err[-1500:]}")
        size = os.path.getsize(alerts)
        return {"records": count, "wall_s": wall, "rps": count / wall, "alerts": summary["alerts"],
                "pages": summary["pages"], "output_mb": size / 1048576, "max_rss_mb": ru.ru_maxrss / 1024,
                "cmd": " ".join(cmd[:3] + ["ingest", "--type", "url", "--page-size", "500", "..."])}
    finally:
        s.cleanup()


def bench_scenarios(secmock, work):
    report = os.path.join(work, "scenarios.json")
    t0 = time.perf_counter()
    p = subprocess.run([secmock, "run", "scenarios", "--no-color", "--json", report], cwd=root,
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    tail = [l for l in (p.stdout + p.stderr).splitlines() if l.strip()][-1:] or [""]
    times = []
    if os.path.exists(report):
        with open(report) as f:
            times = sorted(((sc["duration_ms"] / 1000, sc["name"])
                            for sc in json.load(f).get("scenarios", [])), reverse=True)
    return {"wall_s": wall, "exit": p.returncode, "summary": tail[0].strip(),
            "sum_s": sum(t for t, _ in times), "count": len(times), "slowest": times[:5]}


ALONE_NOTE = (
    "**Ours alone** (wrk alone): {rps:,.0f} req/s, p99 {p99_ms:.2f} ms, {non2xx} non-2xx. The same "
    "`wrk -t1 -c32 -d8s --latency` after a 2 s warm-up, on the same server, right after peers.sh "
    "exits. peers.sh measures ours last, while the WireMock JVM and Mountebank's Node, loaded "
    "moments before, still run (it stops them when it exits); on 2 CPUs their background threads "
    "(JIT compilers, garbage collection) take CPU from ours, which shows in the tail: on "
    "2026-12-05, demo /ping's p99 was 0.55 ms alone, 1.19 and 1.18 ms beside an idle WireMock "
    "that had just served 10 s of wrk, and 0.57 ms once it was stopped. The p99 targets are "
    "read from this run; the ratios stay peers.sh's, whose `static_mhd` runs before any JVM.")

JVM_NOTE = ("WireMock runs in a JVM: peers.sh warms each server for 2 s, short for its JIT, and on a "
            "loaded machine it is the first starved; read its figure, and the ratio to it, from a run "
            "on a quiet machine.")


def verdict(ok):
    return "met" if ok else "**missed**"


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def render(res, quick):
    """docs/performance.md, whole."""
    d = res["date"]
    st, sv = res.get("startup"), res.get("services")
    out = ["# Performance", "",
           "Figures of `secmock` measured by `tests/bench/run`, which regenerates this page whole. "
           f"Last run: {d}, on {res['machine']}. "
           f"Load average at the start and the end of the run: {res['load_before']} and "
           f"{res['load_after']}.", "",
           "> These figures come from **one run on a shared 2-core machine** with other builds and "
           "tests running: latencies and throughputs are pessimistic and noisy. Re-run "
           "`tests/bench/run` on a quiet machine before reading them against the targets.", "",
           "Every figure uses a Release build (`build/bench`, `-DCMAKE_BUILD_TYPE=Release`); the "
           "mocks serve plain HTTP (`--no-tls all`) so that TLS cost is not measured; `wrk -t1 -c32 "
           "-d8s --latency` after a 2 s warm-up, on loopback, client and server on the same 2 cores.", "",
           "## Summary", "",
           "| figure | value | target | | how (details below) |",
           "|---|---|---|---|---|"]
    rows = []
    if st:
        rows += [("exec-to-ready, every service, median of 20", f"{st['median_ms']:.1f} ms",
                  "< 20 ms", st["median_ms"] < 20, "startup.py"),
                 ("idle RSS, every service", f"{st['idle_rss_mb']:.1f} MB", "< 15 MB",
                  st["idle_rss_mb"] < 15, "startup.py")]
    if sv:
        rows.append(("loaded RSS, every service, after the service runs",
                     f"{sv['loaded_rss_mb']:.1f} MB", "-", None, "services"))
    if "trivial" in res:
        t = res["trivial"]
        ratio = t["ours"]["rps"] / t["static_mhd"]["rps"] if t.get("static_mhd") else 0
        rows.append(("trivial route (demo /ping) / bare libmicrohttpd", f"{ratio:.0%}", ">= 60%",
                     ratio >= 0.6, "peers.sh"))
        rows.append(("trivial route p99, ours alone", f"{fmt(t['alone']['p99_ms'], '.2f')} ms",
                     "< 1 ms", (t["alone"]["p99_ms"] or 99) < 1, "wrk alone"))
        rows.append(("trivial route p99 inside peers.sh", f"{fmt(t['ours']['p99_ms'], '.2f')} ms",
                     "-", None, "peers.sh"))
    if "mimecast" in res:
        m = res["mimecast"]
        wm = m.get("wiremock", {}).get("rps")
        ratio = m["ours"]["rps"] / wm if wm else None
        rows.append(("Mimecast get-logs, signed, / WireMock static stub",
                     "WireMock did not answer" if ratio is None else f"{ratio:.1f}x", ">= 4x",
                     "n/a" if ratio is None else ratio >= 4, "peers.sh"))
        rows.append(("Mimecast get-logs p99, ours alone", f"{fmt(m['alone']['p99_ms'], '.2f')} ms",
                     "< 2 ms", (m["alone"]["p99_ms"] or 99) < 2, "wrk alone"))
        rows.append(("Mimecast get-logs p99 inside peers.sh", f"{fmt(m['ours']['p99_ms'], '.2f')} ms",
                     "-", None, "peers.sh"))
    for key in ("ingest_100k", "ingest_1m"):
        if key in res:
            g = res[key]
            rows.append((f"client ingest, {g['records']:,} records, pages of 500",
                         f"{g['rps']:,.0f} records/s", ">= 100k/s", g["rps"] >= 100000, "ingest"))
            rows.append((f"client max RSS, {g['records']:,} records", f"{g['max_rss_mb']:.1f} MB",
                         "< 50 MB", g["max_rss_mb"] < 50, "ingest"))
    sc = res.get("scenarios")
    if sc:
        rows.append(("scenario library wall time", f"{sc['wall_s']:.2f} s", "< 5 s",
                     sc["wall_s"] < 5, "scenarios"))
    for name, value, target, ok, how in rows:
        mark = "" if ok is None else "not measured" if ok == "n/a" else verdict(ok)
        out.append(f"| {name} | {value} | {target} | {mark} | {how} |")
    for name, msg in res.get("failed", {}).items():
        out.append(f"| {name} | **failed**: {msg} | | | |")
    out.append("")

    if st:
        out += ["## Startup (startup.py)", "",
                "Command: `python3 tests/bench/startup.py build/bench/secmock --runs 20`. Starts `secmock "
                "serve` with every service (`" + ",".join(st["services"]) + "`; one process holds at most "
                "16, so Mimecast runs as its bare listener that serves every grid), 20 times, and times "
                "exec to the ready file; then reads VmRSS of one process half a second after ready.", "",
                f"- exec-to-ready: median {st['median_ms']:.1f} ms, p90 {st['p90_ms']:.1f} ms; "
                f"the demo service alone: median {st['demo_median_ms']:.1f} ms",
                f"- the floor on this machine: `secmock --version`, timed the same way (exec to "
                f"exit), median {st['floor_ms']:.1f} ms: loading the executable and its 15 shared "
                "libraries (GnuTLS and the 8 it brings among them; libcurl with its 18, and "
                "OpenSSL, are opened at run time by the commands that make requests), mostly page "
                "faults, before `serve` does anything",
                "- the ready file is waited for with inotify: a poll loop in the timing script "
                "took CPU from the 2-CPU machine's `serve` (about 3 ms of the median)",
                f"- idle RSS: {st['idle_rss_mb']:.1f} MB", ""]
    if sv:
        out += ["## Each service's main endpoint (services)", "",
                "One `secmock serve` with every service, plain HTTP, the clock frozen at "
                f"{load_state.CLOCK}, the state of the load test (`tests/load/state.py`: 100k generated "
                "Mimecast URL records, the Threat Response org with an ESA module, a Netskope tenant with "
                "1000 generated malware alerts and 100 records a page, the SSE account with one device). "
                "Each row: `wrk -t1 -c32 -d8s --latency -s <one fixed, authenticated request> <url>`. "
                "Loaded RSS is read after the four runs.", "",
                "| endpoint | what | req/s | p99 | non-2xx |", "|---|---|---|---|---|"]
        for name in ("mimecast", "ctr-nam", "netskope", "sse-nam"):
            r = sv[name]
            out.append(f"| `{r['endpoint']}` | {r['label']} | {r['rps']:,.0f} | "
                       f"{fmt(r['p99_ms'], '.2f')} ms | {r['non2xx']} |")
        out += ["", f"Loaded RSS (every service, after the runs): {sv['loaded_rss_mb']:.1f} MB.", ""]

    def peers_table(rows):
        t = ["| server | req/s | p99 | non-2xx | ours / this |", "|---|---|---|---|---|"]
        ours = rows["ours"]["rps"]
        for name in ("static_mhd", "wiremock", "mountebank", "ours"):
            if name in rows:
                r = rows[name]
                ratio = ours / r["rps"] if r["rps"] else 0
                t.append(f"| {name} | {r['rps']:,.0f} | {fmt(r['p99_ms'], '.2f')} ms | {r['non2xx']} | "
                         f"{ratio:.2f} |")
        return t

    if "trivial" in res:
        out += ["## Trivial route beside bare libmicrohttpd (peers.sh)", "",
                "Command: `bash ../shared/bench/peers.sh --body <the /ping answer> --ours-url "
                "<demo>/ping --ours-lua tests/bench/get.lua`, with `secmock serve --services demo "
                "--threads 1`. The peers serve the same bytes; `static_mhd` is libmicrohttpd doing "
                "nothing but answering them, the ceiling on this machine.", ""]
        out += peers_table(res["trivial"]) + ["", ALONE_NOTE.format(**res["trivial"]["alone"]), ""]
    if "mimecast" in res:
        out += ["## Mimecast get-logs beside WireMock and Mountebank (peers.sh)", "",
                "Command: `bash ../shared/bench/peers.sh --body <page> --ours-url "
                "<mimecast>/api/ttp/url/get-logs --ours-lua <signed request>`. Ours verifies the API "
                "1.0 MC signature (HMAC-SHA1), the binding, permissions and rate limits on every "
                "request and builds a page of 20 records out of 100k generated ones; the peers serve "
                f"that page's {res['mimecast']['page_bytes']:,} bytes as a static stub.", ""]
        out += peers_table(res["mimecast"]) + ["", ALONE_NOTE.format(**res["mimecast"]["alone"]), "",
                                               JVM_NOTE, ""]
    out += ["## Client ingestion (ingest)", "",
            "Command: `secmock client mimecast ingest --type url --base-url <mock> --app-id ... "
            "--app-key ... --access-key ... --secret-key ... --since <first record> --page-size 500 "
            "--checkpoint <file> -o <file>` against `secmock serve --services mimecast` holding N "
            "generated URL records (20% malicious, so a fifth become alerts), on the wall clock. "
            "Wall time from exec to exit, everything included (signing, the mock's paging, MITRE "
            "mapping, the alert file and the checkpoint written and fsynced after each page; a "
            "second thread of the client already fetches and parses the next page, a third does "
            "the fsyncs and the checkpoint's save); max RSS from the client's rusage.", "",
            "| records | pages | alerts | wall | records/s | client max RSS | alert file |",
            "|---|---|---|---|---|---|---|"]
    for key in ("ingest_100k", "ingest_1m"):
        if key in res:
            g = res[key]
            out.append(f"| {g['records']:,} | {g['pages']} | {g['alerts']:,} | {g['wall_s']:.1f} s | "
                       f"{g['rps']:,.0f} | {g['max_rss_mb']:.1f} MB | {g['output_mb']:.0f} MB |")
    if sc:
        out += ["", "## Scenario library (scenarios)", "",
                "Command: `build/bench/secmock run scenarios --json <file>` from the repository root (jobs: "
                f"the number of CPUs plus one). Wall time {sc['wall_s']:.2f} s, exit status {sc['exit']} "
                f"(`{sc['summary']}`).", ""]
        if sc.get("count"):
            out += [f"The {sc['count']} scenarios' own times add up to {sc['sum_s']:.1f} s "
                    f"({sc['sum_s'] / sc['count'] * 1000:.0f} ms each on average: a mock process, "
                    "one or more client processes, their exchanges). The slowest:", ""]
            out += [f"- `{name}`: {t:.2f} s" for t, name in sc["slowest"]] + [""]
            out += ["Where the time goes. The library is CPU-bound: 154 mock processes and about 600 "
                    "client processes (plus the `run` steps' own commands). Removed in December 2026: "
                    "exec'ing `secmock` for every client step and mock (a launcher forked before the "
                    "workers clones itself, `harness/launcher.c`); `fsync` of throwaway work files "
                    "(work folders go to `/dev/shm` when it is a roomy tmpfs); a 5 ms sleep loop for "
                    "the ready file (inotify and the mock's pidfd); libmicrohttpd 0.9.75's epoll mode "
                    "spinning through every TLS handshake while the client was silent (HTTPS "
                    "listeners poll, `mock/kit/server.c`: the mocks' CPU halved); a connection and a "
                    "TLS handshake per request (clients and the harness's admin calls keep their "
                    "connections, `common/http.c`: 1205 TLS and 2391 admin connections became 495 "
                    "and 638); a `sh` and a `curl` per state check (the `check_state` step); every "
                    "cloned child binding secmock's imports again (the binary is linked with "
                    "`-z now`: 7.5 s became 6.9 s). What is left: on 2 CPUs the run takes about "
                    "14 s of CPU (`perf stat`: 8 s user, 7 s system, 186,000 page faults), so it "
                    "cannot end much before 7 s. This machine is a PVM guest, where a page fault or "
                    "a TLB flush traps to the hypervisor: `pvm_irq_enable` alone is a fifth of the "
                    "samples of `perf record -a` over a run, and a fault costs about 14 us. Each "
                    "client process takes about 16 ms of CPU when it speaks TLS and 6-7 ms when it "
                    "does not (per-child rusage): libcurl makes an OpenSSL context and loads the CA "
                    "for each connection (`SSL_CTX_new_ex` 11% and `X509_STORE_load_file_ex` 6% of "
                    "a profile of the Cisco scenarios), which a warm-up handshake in the launcher "
                    "did not shorten (tried, slower); then the kernel's share of process start and "
                    "exit, and the few scenarios that wait on purpose in real time, which start "
                    "first (`mimecast/client-killed-mid-run-restarted` kills its client after 2 s).",
                    ""]
    out += ["## Known hot spots", "",
            "Profiled with `valgrind --tool=callgrind` on 2026-12-05 (instruction counts, so "
            "independent of the machine's load); re-profile after changing these paths.", "",
            "- **Startup** (`secmock serve` with every service, to the ready file): 23M "
            "instructions in the first December profile, down from 66M (one parsed leaf shared "
            "by every HTTPS listener through `MHD_OPTION_HTTPS_CERT_CALLBACK`, "
            "`mock/kit/tlscred.c`). Later the same month, measured in time: libcurl is opened at "
            "run time instead of linked (36 libraries to load became 16), the certificates are "
            "made with GnuTLS and the mocks' secrets drawn with getrandom, so a start no longer "
            "readies OpenSSL's providers and generators (about 3 ms), the listener threads share "
            "one malloc arena, and the ready file and CA are not fsync'd. Before those changes, "
            "in-process time from `main` to the ready file was 8-12 ms: making the services "
            "2-4 ms (OpenSSL's first random bytes, for a Mimecast token key), the certificates "
            "2 ms, ten listeners and their threads 3-4 ms; the listeners are what is left. "
            "Then OpenSSL's libcrypto left the binary (the mocks' MACs are GnuTLS's, the client "
            "opens libcrypto at run time, `common/libcrypto.c`): mapping and relocating it "
            "(about 400 KB of relocated data) was about 4 ms of every exec on this machine.",
            "- **Mimecast get-logs** (20 records a page): about 313k instructions a request since "
            "the answer is written straight into the body (`mm_logsrc_write`, `mk_json_escape`), "
            "down from 1.47M when it was a cJSON tree of a few hundred nodes (malloc and free "
            "35%), `gen_record` with snprintf, the UTF-8 pass over the tree (`clean_tree`), then "
            "printed and deleted; a page of 500 went from 30.6M to 2.8M (about 5.5k a record: the "
            "record itself, and its filter attributes drawn again by the scan). Measured with "
            "`valgrind --tool=callgrind --toggle-collect=mm_h_url_logs` on a Release `secmock "
            "serve`, `secmock client mimecast ingest` pulling 2000 records in pages of 20, and "
            "50,000 in pages of 500 (100 requests each, the page token followed, so each request "
            "also seals `next` and `previous`). The bytes are unchanged (`mm_logs_golden` compares "
            "them with the tree's output). What is left of the 313k is mostly fixed per request: "
            "the two page tokens (80k: a cJSON payload printed with sprintf, then HMAC-SHA256), "
            "the API 1.0 signature check (`mm_gate`; its HMAC-SHA1 now over a digest fetched once, "
            "`mm_hmac`, as the tokens' was: 55k -> 39k measured on pages of 500), opening the "
            "request's token (30k), parsing the body (27k) and the scan (35k).",
            "- **Trivial route** (demo `GET /ping`, `--threads 1`): about 59.7k instructions a "
            "request, down from 71.7k; bare libmicrohttpd answering the same bytes (`static_mhd`) "
            "takes 55.3k. 49.2k of each is libmicrohttpd clearing the connection's memory pool "
            "(one `rep stosb` memset that callgrind counts per step; cheap on hardware), so our "
            "own path went from 16.4k to 4.5k above bare libmicrohttpd. Gone: snprintf in the "
            "answer's time (`cm_time_format`, 3.6k) and in the Date header (3.1k; "
            "`cm_time_format_http`, kept per listener thread for its virtual second), the "
            "answer's cJSON tree (3.6k; written straight into the body, the same bytes), "
            "`inet_ntop` of an IPv4 peer (1.7k), the journal's count key copied (0.15k). Left: "
            "libmicrohttpd's response (created, two headers, queued: 2.6k), the journal (0.7k), "
            "the handler (0.6k). Syscalls: 2.04 a request (a recvfrom and a sendmsg), as many as "
            "`static_mhd`; clock reads go through the vDSO. Measured on a Release `secmock serve "
            "--services demo --threads 1` under callgrind, zeroed after start (`callgrind_control "
            "-z`), `wrk -t1 -c8 -d10s` on /ping, dumped and divided by wrk's count; syscalls with "
            "`strace -c -f -p` under `wrk -t1 -c32 -d5s`.",
            "- **Netskope dataexport** (100 alerts a page): about 4M instructions a request, the same "
            "pattern (each stored alert duplicated into the answer tree, printed, deleted).",
            "- **Client ingestion**: 54% of the client's instructions went to the identity key "
            "(canonical JSON and SHA-256) of every record; since commit 09bee59 it is computed for "
            "alerts and for the records at a checkpoint boundary only. Then (50,000 records in "
            "pages of 500, `valgrind --tool=callgrind --separate-threads=yes` on the client): "
            "3.95G instructions, of which parsing the pages 34%, the keys of the alerts 21% "
            "(canonical JSON appended byte by byte), each alert line 13% (the record copied into "
            "the alert, printed, then copied again by `cm_asprintf(\"%s\\n\")`), freeing 11%. The "
            "alert now refers to its record instead of copying it and is printed straight into "
            "the page's output buffer, written once a page (or per MiB); the canonical JSON "
            "appends whole strings: 3.01G. The client and the mock also no longer take turns: "
            "a pager thread (`client/mimecast_pager.c`) fetches and parses page N+1 while page N "
            "is mapped, written, fsynced and checkpointed, and frees each page the loop gives "
            "back (a page freed by the loop raced the parse's mallocs in the pager's arena): "
            "2.12G on the pager's thread (parsing 66%, freeing 18%, a new libcurl handle 6%) and "
            "1.05G on the loop's (the alerts' keys 41%, the format checks 27%, the alert lines "
            "26%). The alerts' fsync and the checkpoint's save (three fsyncs a page, about 14 ms "
            "on the shared machine's disk) are a third thread's (`client/mimecast_cpsync.c`), "
            "which saves the latest checkpoint once the alerts it covers are synced. "
            "What is left: cJSON's parse (a malloc per node and per string, strncmp of null, "
            "false and true before each value) and free, a new libcurl handle and connection per "
            "page.", ""]
    if quick:
        out += ["This run was `--quick`: no peers (WireMock, Mountebank, bare libmicrohttpd) and no "
                "1M-record ingest.", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("secmock")
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    secmock = os.path.abspath(args.secmock)
    work = tempfile.mkdtemp(prefix="secmock-bench-")
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": f"{os.cpu_count()} CPUs, {platform.platform()}",
           "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    try:
        def step(name, fn, *a):
            print(f"== {name}", flush=True)
            t = time.monotonic()
            try:
                res[name] = fn(*a)
            except (RuntimeError, OSError, KeyError, ValueError, subprocess.SubprocessError) as e:
                res.setdefault("failed", {})[name] = str(e).replace("\n", " ")[:300]
                print(f"   failed: {e}", flush=True)
                return
            print(f"   {json.dumps(res[name], default=str)[:600]} ({time.monotonic() - t:.0f} s)",
                  flush=True)

        step("startup", startup.measure, secmock, 20)
        step("services", bench_services, secmock, work)
        step("ingest_100k", bench_ingest, secmock, 100000, work)
        if not args.quick:
            step("ingest_1m", bench_ingest, secmock, 1000000, work)
            step("trivial", bench_trivial, secmock, work)
            step("mimecast", bench_mimecast, secmock, work)
        step("scenarios", bench_scenarios, secmock, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    with open(args.out, "w") as f:
        f.write(render(res, args.quick))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
