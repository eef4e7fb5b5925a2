"""checks.py: the load test's verdict (tests/load/run), apart so that tests/load/test_checks.py can
show that each check fails when it should."""
import re

SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer"
                       r"|runtime error:|SUMMARY: (Address|Thread|UndefinedBehavior)Sanitizer")


def check(alive, exit_code, gaps, tally, listed, wrk_out, armed, n, stderr):
    """The run's verdict: (failures, requests in the journal, fired count per fault id).

    alive, exit_code: the mock's state after the run; gaps: (last seq read, next seq seen) pairs;
    tally: {(service, path, status, verdict): count} of the journal entries of the run; listed:
    GET /faults's list; wrk_out: the lines mixed.lua's done() wrote; armed: {id: (spec, status)};
    n: requests asked for; stderr: the mock's stderr to search for sanitizer reports, or None."""
    bad = []
    if not alive:
        bad.append(f"the mock died during the run (exit {exit_code})")
    if gaps:
        bad.append(f"the journal lost entries before they were read: {gaps[:5]}")
    # a fault armed with a count leaves the list once it has fired that many times
    fired = {fid: spec.get("count", 0) for fid, (spec, _) in armed.items()}
    fired.update({f["id"]: f["fired"] for f in listed})
    expected = {}  # (service, path, status) -> fault id
    for fid, (spec, status) in armed.items():
        expected[(spec["service"], spec["path"], status)] = fid
    seen = {fid: 0 for fid in armed}
    total = 0
    for (svc, path, status, verdict), count in sorted(tally.items()):
        total += count
        if 200 <= status < 300 and not verdict.startswith("fault:"):
            continue
        fid = expected.get((svc, path, status))
        if fid is None or not verdict.startswith("fault:"):
            bad.append(f"{count} answer(s) {status} '{verdict}' from {svc} {path}: not an armed fault")
            continue
        seen[fid] += count
    for fid, (spec, _) in armed.items():
        if seen[fid] != fired[fid]:
            bad.append(f"fault {fid} ({spec['service']} {spec['path']}) fired {fired[fid]} times, "
                       f"the journal shows {seen[fid]}")
        if fired[fid] == 0:
            bad.append(f"fault {fid} ({spec['service']} {spec['path']}) never fired")
    # wrk's own view: statuses per service, and socket errors for the resets
    wrk_status = {}
    for line in wrk_out:
        parts = line.split()
        if parts and parts[0] not in ("errors", "summary"):
            for kv in parts[1:]:
                st, c = kv.split("=")
                wrk_status[(parts[0], int(st))] = wrk_status.get((parts[0], int(st)), 0) + int(c)
    # wrk stops counting at a thread's quota, so answers still in flight then are not in its tally
    for fid, (spec, status) in armed.items():
        if status and wrk_status.get((spec["service"], status), 0) > fired[fid]:
            bad.append(f"wrk saw {wrk_status.get((spec['service'], status), 0)} answers {status} "
                       f"from {spec['service']}, fault {fid} fired only {fired[fid]} times")
    for (svc, st), c in wrk_status.items():
        if not 200 <= st < 300 and st not in {s for sp, s in armed.values() if sp["service"] == svc}:
            bad.append(f"wrk saw {c} answers {st} from {svc}: not an armed fault")
    if total < n:
        bad.append(f"the journal holds {total} requests, fewer than the {n} asked for")
    if stderr is not None:
        err = stderr
        m = SANITIZER.search(err)
        if m:
            start = max(0, m.start() - 200)
            bad.append(f"sanitizer report on the mock's stderr:\n{err[start:start + 3000]}")
    return bad, total, fired
