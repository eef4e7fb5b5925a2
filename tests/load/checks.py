"""checks.py: the load test's verdict (tests/load/run), apart so that tests/load/test_checks.py can
show that each check fails when it should.

The totals and the breakdown by status and verdict come from the journal's counts
(GET /journal/counts), which never drop; the journal's entries, read as samples during the run, only
add a spot-check of the paths of the answers outside 2xx."""
import re

SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer"
                       r"|runtime error:|SUMMARY: (Address|Thread|UndefinedBehavior)Sanitizer")

MIB = 1024


def check(alive, exit_code, counts, sample, listed, wrk_out, armed, n, stderr):
    """The run's verdict: (failures, requests counted, fired count per fault id).

    alive, exit_code: the mock's state after the run; counts: GET /journal/counts's answer, taken
    after the run (the run's requests only: the journal was cleared before it); sample:
    {(service, path, status, verdict): count} of the journal entries read during the run (a
    sample); listed: GET /faults's list; wrk_out: the lines mixed.lua's done() wrote; armed:
    {id: (spec, status)}; n: requests asked for; stderr: the mock's stderr to search for sanitizer
    reports, or None."""
    bad = []
    if not alive:
        bad.append(f"the mock died during the run (exit {exit_code})")
    # a fault armed with a count leaves the list once it has fired that many times
    fired = {fid: spec.get("count", 0) for fid, (spec, _) in armed.items()}
    fired.update({f["id"]: f["fired"] for f in listed})
    by_status = {}  # (service, status) -> the faults that answer so
    for fid, (spec, status) in armed.items():
        by_status.setdefault((spec["service"], status), []).append(fid)
    seen = {key: 0 for key in by_status}
    total = counts["total"]
    if sum(r["count"] for r in counts["counts"]) + counts["other"] != total:
        bad.append(f"the counts' rows and other do not add up to their total {total}")
    if counts["other"]:
        bad.append(f"{counts['other']} answers fell outside the counts table: the breakdown is "
                   f"incomplete")
    for r in counts["counts"]:
        svc, status, verdict, count = r["service"], r["status"], r["verdict"], r["count"]
        if 200 <= status < 300 and not verdict.startswith("fault:"):
            continue
        if (svc, status) not in by_status or not verdict.startswith("fault:"):
            bad.append(f"{count} answer(s) {status} '{verdict}' from {svc}: not an armed fault")
            continue
        seen[(svc, status)] += count
    for key, fids in sorted(by_status.items()):
        want = sum(fired[fid] for fid in fids)
        if seen[key] != want:
            bad.append(f"fault(s) {fids} ({key[0]} {key[1] or 'reset'}) fired {want} times, the "
                       f"counts show {seen[key]}")
    for fid, (spec, _) in armed.items():
        if fired[fid] == 0:
            bad.append(f"fault {fid} ({spec['service']} {spec['path']}) never fired")
    # the sampled entries: an answer outside 2xx is an armed fault on its path
    paths = {(spec["service"], spec["path"], status) for spec, status in armed.values()}
    for (svc, path, status, verdict), count in sorted(sample.items()):
        if 200 <= status < 300 and not verdict.startswith("fault:"):
            continue
        if (svc, path, status) not in paths or not verdict.startswith("fault:"):
            bad.append(f"{count} journal entries {status} '{verdict}' from {svc} {path}: not an "
                       f"armed fault")
    # wrk's own view: statuses per service, and socket errors for the resets
    wrk_status = {}
    for line in wrk_out:
        parts = line.split()
        if parts and parts[0] not in ("errors", "summary"):
            for kv in parts[1:]:
                st, c = kv.split("=")
                wrk_status[(parts[0], int(st))] = wrk_status.get((parts[0], int(st)), 0) + int(c)
    # wrk stops counting at a thread's quota, so answers still in flight then are not in its tally
    for (svc, status), fids in by_status.items():
        want = sum(fired[fid] for fid in fids)
        if status and wrk_status.get((svc, status), 0) > want:
            bad.append(f"wrk saw {wrk_status.get((svc, status), 0)} answers {status} from {svc}, "
                       f"fault(s) {fids} fired only {want} times")
    for (svc, st), c in wrk_status.items():
        if not 200 <= st < 300 and (svc, st) not in by_status:
            bad.append(f"wrk saw {c} answers {st} from {svc}: not an armed fault")
    if total < n:
        bad.append(f"the journal counted {total} requests, fewer than the {n} asked for")
    if stderr is not None:
        err = stderr
        m = SANITIZER.search(err)
        if m:
            start = max(0, m.start() - 200)
            bad.append(f"sanitizer report on the mock's stderr:\n{err[start:start + 3000]}")
    return bad, total, fired


def rss_marks(samples, step):
    """RSS at every `step` requests: [(requests, KiB)] from (seconds, requests counted, KiB) samples,
    each mark the first sample at or past it."""
    marks, k = [], 1
    for _, count, kb in samples:
        if not kb:
            continue
        while count >= k * step:
            if not marks or marks[-1][0] != k * step:
                marks.append((k * step, kb))
            k += 1
    return marks


def rss_flat(marks, warm, limit_mib):
    """Flatness after warm-up: from the first mark at or past `warm` requests to the last, RSS grows by
    less than limit_mib. Returns (failures, growth in KiB or None when too few marks to judge)."""
    steady = [kb for count, kb in marks if count >= warm]
    if len(steady) < 2:
        return [], None
    growth = max(steady) - steady[0]
    if growth >= limit_mib * MIB:
        return [f"RSS grew {growth / MIB:.1f} MiB after {warm} requests (from {steady[0] / MIB:.1f} "
                f"to {max(steady) / MIB:.1f} MiB; the limit is {limit_mib} MiB): memory is not flat"], growth
    return [], growth
