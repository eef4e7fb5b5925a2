#!/usr/bin/env python3
"""test_checks.py: each check of the load test's verdict (checks.py) fails when it should.

    python3 tests/load/test_checks.py
"""
import os, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402

ARMED = {1: ({"service": "mimecast", "path": "/api/ttp/url/get-logs"}, 503),
         2: ({"service": "demo", "path": "/ping", "count": 3}, 0)}
TALLY = {("mimecast", "/api/ttp/url/get-logs", 200, "ok"): 90,
         ("mimecast", "/api/ttp/url/get-logs", 503, "fault:status"): 5,
         ("demo", "/ping", 200, "ok"): 10,
         ("demo", "/ping", 0, "fault:reset"): 3}
LISTED = [{"id": 1, "fired": 5}]  # fault 2 fired its count and left the list
WRK = ["mimecast 200=90 503=5", "demo 200=10", "errors connect=0 read=3 write=0 status=5 timeout=0",
       "summary requests=105 duration_us=1 p50_us=1 p99_us=1 max_us=1"]


def run(**kw):
    args = dict(alive=True, exit_code=None, gaps=[], tally=dict(TALLY), listed=list(LISTED),
                wrk_out=list(WRK), armed=ARMED, n=100, stderr="")
    args.update(kw)
    return checks.check(**args)[0]


class Checks(unittest.TestCase):
    def test_a_clean_run_passes(self):
        self.assertEqual(run(), [])

    def test_a_dead_mock_fails(self):
        self.assertIn("the mock died", run(alive=False, exit_code=-11)[0])

    def test_a_gap_in_the_journal_fails(self):
        self.assertIn("lost entries", run(gaps=[(10, 20)])[0])

    def test_an_unarmed_status_fails(self):
        t = dict(TALLY)
        t[("demo", "/ping", 500, "internal_error")] = 1
        self.assertIn("not an armed fault", " ".join(run(tally=t)))

    def test_an_armed_status_on_another_path_fails(self):
        t = dict(TALLY)
        t[("mimecast", "/api/login/login", 503, "fault:status")] = 1
        self.assertIn("not an armed fault", " ".join(run(tally=t)))

    def test_fired_and_journal_disagreeing_fails(self):
        self.assertIn("the journal shows 5", " ".join(run(listed=[{"id": 1, "fired": 6}])))

    def test_a_fault_that_never_fired_fails(self):
        t = {k: v for k, v in TALLY.items() if k[2] != 503}
        out = run(tally=t, listed=[{"id": 1, "fired": 0}], wrk_out=["mimecast 200=90", "demo 200=10"])
        self.assertIn("never fired", " ".join(out))

    def test_wrk_seeing_an_unarmed_status_fails(self):
        self.assertIn("not an armed fault", " ".join(run(wrk_out=["demo 200=9 404=1"])))

    def test_wrk_seeing_more_than_fired_fails(self):
        self.assertIn("fired only 5", " ".join(run(wrk_out=["mimecast 200=89 503=6"])))

    def test_too_few_requests_fail(self):
        self.assertIn("fewer than", " ".join(run(n=1000)))

    def test_sanitizer_reports_fail(self):
        for text in ["==1==ERROR: AddressSanitizer: heap-use-after-free on address",
                     "mock/kit/server.c:10:5: runtime error: signed integer overflow",
                     "WARNING: ThreadSanitizer: data race (pid=1)",
                     "==1==ERROR: LeakSanitizer: detected memory leaks"]:
            self.assertIn("sanitizer report", " ".join(run(stderr="log line\n" + text)), text)

    def test_an_ordinary_stderr_passes(self):
        self.assertEqual(run(stderr="secmock serve: listening\n"), [])


if __name__ == "__main__":
    unittest.main()
