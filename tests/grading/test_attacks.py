"""The grader against attacking submissions and honest accidents, with bwrap and with the fallback.

One grading run per isolation (module fixture, ``--jobs 2``) grades every attack of tests/grading/attacks.py
beside an honest full submission (the classmate the attacks try to copy or harm); the tests check each exact
score and that nothing outside the grader's own reports changed, also after the grader returned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from course.grading import isolation, reports
from course.grading.grade import grade
from tests.grading.attacks import ATTACKS, accident_submissions, attack_submissions, copy_tree_hashes
from tests.meta.synthetic import MAX_SCORE, make_course

TEST_TIMEOUT = 5.0  # generous: nothing here hangs, and CI machines are busy
MODES = ["bwrap", "fallback"]


def _use_mode(mp: pytest.MonkeyPatch, mode: str) -> str:
    isolation._probe.clear()
    if mode == "fallback":
        mp.setenv("COURSE_GRADING_NO_BWRAP", "1")
    else:
        mp.delenv("COURSE_GRADING_NO_BWRAP", raising=False)
    got = isolation.detect()
    isolation._probe.clear()
    return got


@pytest.fixture(scope="module", params=MODES)
def attacked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as mp:
        mode = _use_mode(mp, request.param)
        if request.param == "bwrap" and mode != "bwrap":
            pytest.skip(
                "bubblewrap is not installed or cannot create namespaces here (apt-get install bubblewrap)"
            )
        if mode == "none":
            pytest.skip(
                "neither bwrap nor root: the fallback cannot drop to another uid, so attacks are not stopped"
            )
        base = tmp_path_factory.mktemp(f"attacks-{request.param}")
        course = make_course(base / "course")
        out = base / "out"
        subs = attack_submissions(base / "submissions", course, out)
        # the grader's scratch folders go in a folder of this run's, so its processes can be told apart; under the
        # system's temporary folder, which a worker with a uid of its own may pass through (pytest's are 0700)
        tempfile_dir = Path(tempfile.mkdtemp(prefix="attacks-run-", dir=tempfile.gettempdir()))
        os.chmod(tempfile_dir, 0o711)
        mp.setattr(tempfile, "tempdir", str(tempfile_dir))
        first_uid = isolation.BASE_UID + isolation.UID_SLOT * (1 + os.getpid() % (isolation.UID_SLOTS - 1))
        before = copy_tree_hashes(course)
        others_before = copy_tree_hashes(subs["full"][0])
        results = grade(
            [path for path, _ in subs.values()],
            out,
            course_root=course,
            test_timeout=TEST_TIMEOUT,
            submission_timeout=120,
            jobs=2,
            quiet=True,
            uid_base=first_uid,
        )
        own_uid = isolation.own_uid(mode)
        snapshot = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
        time.sleep(3.5)  # a detached process would have rewritten the reports by now
        isolation._probe.clear()
    return {
        "mode": mode,
        "course": course,
        "out": out,
        "subs": subs,
        "results": {r.name: r for r in results},
        "course_before": before,
        "others_before": others_before,
        "snapshot": snapshot,
        "marker": str(tempfile_dir),
        "first_uid": first_uid,
        "own_uid": own_uid,
    }


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state; the name may hold spaces


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _workers(marker: str) -> set[int]:
    """This run's worker processes: a worker.py whose own command line, or an ancestor's (bwrap's holds the
    submission's folder), names ``marker`` (the run's folder). Other grading runs may be going on at the same time
    (pytest-xdist grades the solutions in another process), and theirs are not this run's leftovers."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        cmdline = _cmdline(int(entry))
        if b"worker.py" not in cmdline or not (b"/grader/" in cmdline or b"grading/worker.py" in cmdline):
            continue
        pid, seen = int(entry), 0
        while pid and pid > 1 and seen < 64:
            if marker.encode() in _cmdline(pid):
                found.add(int(entry))
                break
            pid, seen = _parent(pid) or 0, seen + 1
    return found


@pytest.mark.parametrize("name", ["full", *ATTACKS])
def test_each_attack_scores_exactly_what_it_deserves(attacked, name):
    if name == "fork_bomb" and not attacked["own_uid"]:
        pytest.skip("bwrap runs as root here (no unprivileged user namespaces): no per-user process limit holds")
    result = attacked["results"][name]
    expected = attacked["subs"][name][1]
    statuses = {t.name: t.status for t in result.tests}
    assert result.score == expected, f"{name} ({attacked['mode']}): {result.score} != {expected}; {statuses}"
    assert result.max_score == MAX_SCORE
    assert result.isolation == isolation.ISOLATION_TEXT[attacked["mode"]]


def test_no_result_for_a_test_the_course_does_not_have(attacked):
    data = json.loads((attacked["out"] / "grades.json").read_text())
    for sub in data["submissions"]:
        names = [t["nodeid"] for lab in sub["labs"].values() for t in lab["tests"]]
        assert len(names) == len(set(names)) == 5
        assert all(t["points"] <= t["max_points"] for lab in sub["labs"].values() for t in lab["tests"])
        assert "test_fake" not in json.dumps(sub)


def test_the_course_and_the_classmate_are_untouched(attacked):
    assert copy_tree_hashes(attacked["course"]) == attacked["course_before"]
    assert copy_tree_hashes(attacked["subs"]["full"][0]) == attacked["others_before"]


def test_reports_are_not_rewritten_after_the_grader_returns(attacked):
    now = {p.name: p.read_bytes() for p in attacked["out"].iterdir() if p.is_file()}
    assert now == attacked["snapshot"]
    assert not (attacked["out"] / "pwned.txt").exists()


def test_nothing_a_submission_started_is_still_running(attacked):
    if attacked["mode"] == "uid":
        for entry in os.listdir("/proc"):
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
            first = attacked["first_uid"]
            assert not first <= uid < first + isolation.UID_SLOT, f"process {entry} of uid {uid}"
    assert not _workers(attacked["marker"])


def test_the_stubs_control_endpoints_need_the_runs_token():
    import httpx2

    from llm_stub import StubConfig, StubServer

    with StubServer(StubConfig(control_token="per-run-secret")) as stub:
        root = stub.base_url.removesuffix("/v1")
        for method, path in (("POST", "/_stub/faults"), ("POST", "/_stub/reset"), ("GET", "/_stub/journal")):
            response = httpx2.request(
                method, root + path, json={"steps": ["500"]} if "faults" in path else None
            )
            assert (
                response.status_code == 403 and response.json()["error"]["code"] == "control_token_required"
            )
        stub.control.add_fault(["500"])  # the owner's client sends the token
        assert len(stub.control.faults()) == 1
    with StubServer() as stub:  # a learner's stub: no token configured, nothing to send
        assert httpx2.get(stub.base_url.removesuffix("/v1") + "/_stub/journal").status_code == 200


# ---------------------------------------------------------------------------- accidents


@pytest.fixture(scope="module")
def accidents(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("accidents")
    course = make_course(base / "course")
    subs = accident_submissions(base / "submissions")
    out = base / "out"
    cwd = os.getcwd()
    os.chdir(base)  # sources are reported relative to the current folder
    try:
        results = grade(
            [path for path, _, _ in subs.values()],
            out,
            course_root=course,
            test_timeout=TEST_TIMEOUT,
            submission_timeout=120,
            jobs=2,
            quiet=True,
        )
    finally:
        os.chdir(cwd)
    return {"base": base, "out": out, "subs": subs, "results": results}


def test_each_accident_scores_what_the_honest_code_deserves(accidents):
    results = accidents["results"]
    assert [r.name for r in results] == [name for _, _, name in accidents["subs"].values()]
    for (key, (_, expected, name)), result in zip(accidents["subs"].items(), results, strict=True):
        statuses = {t.name: t.status for t in result.tests}
        assert result.score == expected, (
            f"{key} ({name}): {result.score} != {expected}; {statuses}; {result.notes}"
        )


def test_every_submission_has_its_own_logs_and_junit(accidents):
    for _, _, name in accidents["subs"].values():
        assert (accidents["out"] / "logs" / f"{name}.log").is_file(), name
        assert (accidents["out"] / "junit" / f"{name}.xml").is_file(), name


def test_an_ambiguous_zip_says_which_copy_was_graded(accidents):
    result = next(r for r in accidents["results"] if r.name == "two-repos")
    assert result.notes[0] == (
        "ambiguous: 2 candidate repositories (copy-new/, copy-old/); graded the one with the newest labs: copy-new/"
    )


def test_an_exit_at_import_costs_that_lab_only(accidents):
    result = next(r for r in accidents["results"] if r.name == "exit-at-import")
    lab01 = result.labs[0]
    assert {t.status for t in lab01.tests} == {"crashed"}
    assert "while importing labs/lab01_demo.py" in lab01.tests[0].message
    assert result.labs[1].score == 9


def test_reports_hold_no_absolute_path_or_environment(accidents):
    base = str(accidents["base"])
    for path in accidents["out"].rglob("*"):
        if path.is_file() and path.suffix in (".json", ".md", ".csv", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert base not in text and "/tmp/" not in text, path.name
            assert os.environ.get("HOME", "/nonexistent") not in text or os.environ.get("HOME") == "/", (
                path.name
            )
    data = json.loads((accidents["out"] / "grades.json").read_text(encoding="utf-8"))
    sources = {s["name"]: s["source"] for s in data["submissions"]}
    assert sources["bob_smith"] == "submissions/e/bob smith"
    assert sources["caf_-latin1"] == "submissions/a/caf\\udce9-latin1"


def test_one_failing_submission_does_not_stop_the_batch_and_reports_are_partial(tmp_path, monkeypatch):
    course = make_course(tmp_path / "course")
    subs = accident_submissions(tmp_path / "subs")
    paths = [subs["alice1"][0], subs["spaced"][0]]
    real_prepare = isolation.prepare
    writes: list[bool] = []
    real_write_all = reports.write_all

    def prepare(root, lab_files, mode, uid):
        if any("alice" in str(p) for p in lab_files):
            raise OSError("disk full (simulated)")
        return real_prepare(root, lab_files, mode, uid)

    def write_all(out, results, labs, settings, classroom50):
        writes.append(bool(settings.get("partial")))
        return real_write_all(out, results, labs, settings, classroom50)

    monkeypatch.setattr(isolation, "prepare", prepare)
    monkeypatch.setattr(reports, "write_all", write_all)
    results = grade(
        paths, tmp_path / "out", course_root=course, test_timeout=TEST_TIMEOUT, jobs=1, quiet=True
    )
    assert [r.score for r in results] == [0, 9]
    assert results[0].notes == ["the grader could not grade this submission (OSError: disk full (simulated))"]
    assert writes == [True, False, False]  # after the first submission, after the second, the final one


# ---------------------------------------------------------------------------- Classroom 50 / CI recipe


def test_the_classroom_recipe_grades_with_the_pristine_course(tmp_path):
    """A student template whose course/ was edited to give full marks: the documented recipe (``python -I``,
    the grader installed from the instructor's checkout, ``--course`` that checkout) ignores the edit."""
    repo = Path(__file__).resolve().parents[2]
    course = make_course(tmp_path / "course")
    student = make_course(tmp_path / "student")  # the student's repository, with a copy of the grader
    (student / "course").mkdir()
    for path in (repo / "course").rglob("*.py"):
        target = student / "course" / path.relative_to(repo / "course")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    results_py = student / "course/grading/results.py"
    results_py.write_text(
        results_py.read_text() + "\nLabResult.score = property(lambda self: self.max_score)\n"
    )
    out = tmp_path / "grades"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COURSE_"))}
    recipe = [sys.executable, "-I", "-m", "course", "grade", ".", "--course", str(course), "--out", str(out)]
    done = subprocess.run(recipe + ["--classroom50"], cwd=student, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads((out / "result.json").read_text())
    assert (result["score"], result["max-score"]) == (0, MAX_SCORE)
    # without -I the student's own grader would run: the grader refuses to be the student's copy
    forged = subprocess.run(recipe, cwd=student, env=env, capture_output=True, text=True)
    assert (
        forged.returncode != 0
        or json.loads((out / "grades.json").read_text())["submissions"][0]["score"] == 0
    )
