#!/usr/bin/env python3
"""test_checks.py: each check of the load test's verdict (checks.py) fails when it should.

    python3 tests/load/test_checks.py
"""
import os, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402

ARMED = {1: ({"service": "mimecast", "path": "/api/ttp/url/get-logs"}, 503),
         2: ({"service": "demo", "path": "/ping", "count": 3}, 0)}
ROWS = [("demo", 0, "fault:reset", 3), ("demo", 200, "ok", 10), ("mimecast", 200, "ok", 90),
        ("mimecast", 503, "fault:status", 5)]
SAMPLE = {("mimecast", "/api/ttp/url/get-logs", 200, "ok"): 9,
          ("mimecast", "/api/ttp/url/get-logs", 503, "fault:status"): 1,
          ("demo", "/ping", 0, "fault:reset"): 1}
LISTED = [{"id": 1, "fired": 5}]  # fault 2 fired its count and left the list
WRK = ["mimecast 200=90 503=5", "demo 200=10", "errors connect=0 read=3 write=0 status=5 timeout=0",
       "summary requests=105 duration_us=1 p50_us=1 p99_us=1 max_us=1"]


def counts(rows=ROWS, other=0, total=None):
    listed = [{"service": s, "status": st, "verdict": v, "count": c} for s, st, v, c in rows]
    if total is None:
        total = sum(c for *_, c in rows) + other
    return {"total": total, "held": 50, "dropped": total - 50, "other": other, "counts": listed}


def run(**kw):
    args = dict(alive=True, exit_code=None, counts=counts(), sample=dict(SAMPLE),
                listed=list(LISTED), wrk_out=list(WRK), armed=ARMED, n=100, stderr="")
    args.update(kw)
    return checks.check(**args)[0]


class Checks(unittest.TestCase):
    def test_a_clean_run_passes(self):
        self.assertEqual(run(), [])

    def test_a_dead_mock_fails(self):
        self.assertIn("the mock died", run(alive=False, exit_code=-11)[0])

    def test_an_unarmed_status_in_the_counts_fails(self):
        rows = ROWS + [("demo", 500, "internal_error", 1)]
        self.assertIn("not an armed fault", " ".join(run(counts=counts(rows))))

    def test_an_armed_status_without_a_fault_verdict_fails(self):
        rows = ROWS + [("mimecast", 503, "upstream_busy", 1)]
        self.assertIn("not an armed fault", " ".join(run(counts=counts(rows))))

    def test_an_armed_status_on_another_path_in_the_sample_fails(self):
        s = dict(SAMPLE)
        s[("mimecast", "/api/login/login", 503, "fault:status")] = 1
        self.assertIn("from mimecast /api/login/login: not an armed fault", " ".join(run(sample=s)))

    def test_fired_and_counts_disagreeing_fails(self):
        self.assertIn("the counts show 5", " ".join(run(listed=[{"id": 1, "fired": 6}])))

    def test_a_fault_that_never_fired_fails(self):
        rows = [r for r in ROWS if r[1] != 503]
        out = run(counts=counts(rows), listed=[{"id": 1, "fired": 0}],
                  wrk_out=["mimecast 200=90", "demo 200=10"])
        self.assertIn("never fired", " ".join(out))

    def test_answers_outside_the_counts_table_fail(self):
        self.assertIn("outside the counts table", " ".join(run(counts=counts(other=2))))

    def test_rows_not_adding_up_fail(self):
        self.assertIn("do not add up", " ".join(run(counts=counts(total=500))))

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


class Rss(unittest.TestCase):
    SAMPLES = [(0.25, 0, 20000), (0.5, 40000, 50000), (1.0, 110000, 60000), (1.5, 150000, 61000),
               (2.0, 205000, 62000), (3.0, 310000, 62500), (4.0, 400000, 63000)]

    def test_marks_take_the_first_sample_past_each_step(self):
        self.assertEqual(checks.rss_marks(self.SAMPLES, 100000),
                         [(100000, 60000), (200000, 62000), (300000, 62500), (400000, 63000)])

    def test_a_sample_past_two_steps_marks_both(self):
        self.assertEqual(checks.rss_marks([(1, 250000, 7)], 100000), [(100000, 7), (200000, 7)])

    def test_flat_after_warm_up_passes(self):
        bad, growth = checks.rss_flat(checks.rss_marks(self.SAMPLES, 100000), 200000, 8)
        self.assertEqual((bad, growth), ([], 1000))

    def test_growth_after_warm_up_fails(self):
        marks = [(100000, 60000), (200000, 62000), (300000, 66000), (400000, 72000)]
        bad, growth = checks.rss_flat(marks, 200000, 8)
        self.assertEqual(growth, 10000)
        self.assertIn("not flat", bad[0])

    def test_growth_during_warm_up_is_not_judged(self):
        marks = [(100000, 20000), (200000, 62000), (300000, 62000)]
        self.assertEqual(checks.rss_flat(marks, 200000, 8), ([], 0))

    def test_too_few_marks_are_not_judged(self):
        self.assertEqual(checks.rss_flat([(100000, 1), (200000, 9000)], 200000, 8), ([], None))


if __name__ == "__main__":
    unittest.main()
