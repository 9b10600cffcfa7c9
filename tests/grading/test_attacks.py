"""The grader against attacking submissions and honest accidents, with bwrap and with the fallback.

One grading run per isolation (module fixture, ``--jobs 2``) grades every attack of tests/grading/attacks.py
beside an honest full submission (the classmate the attacks try to copy or harm); the tests check each exact
score and that nothing outside the grader's own reports changed, also after the grader returned.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

import pytest

from course.grading import isolation, reports
from course.grading.grade import grade
from tests.grading.attacks import (
    ATTACKED_MAX,
    ATTACKS,
    CHANNEL_ATTACKS,
    REASONS,
    accident_submissions,
    attack_submissions,
    copy_tree_hashes,
)
from tests.meta.synthetic import MAX_SCORE, POINTS, TYPED_POINTS, make_course

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


SECRET = "sk-fake-" + os.urandom(8).hex()  # stands for a key in the instructor's environment


class DiskSampler:
    """The most the grader's temporary folder, and the files of the run's worker uids in the folders any user
    may write, ever held while grading (sampled every 0.1 s)."""

    def __init__(self, folder: Path, first_uid: int) -> None:
        self.folder, self.first_uid, self.peak = folder, first_uid, 0
        self.done = threading.Event()

    def _uid_bytes(self) -> int:
        total = 0
        for shared in isolation.SHARED_TMP:
            for uid in self._uids(shared):
                total += isolation.folder_bytes(Path(shared), owner=uid)
        return total

    def _uids(self, shared: str) -> set[int]:
        found = set()
        try:
            for entry in os.scandir(shared):
                uid = entry.stat(follow_symlinks=False).st_uid
                if self.first_uid <= uid < self.first_uid + isolation.UID_SLOT:
                    found.add(uid)
        except OSError:
            pass
        return found

    def _run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, isolation.folder_bytes(self.folder, limit=200_000) + self._uid_bytes())

    def __enter__(self) -> DiskSampler:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


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
        course = make_course(base / "course", typed=True)
        mp.setenv("COURSE_FAKE_SECRET", SECRET)  # in the grader's environment: it must reach no report
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
        disk = DiskSampler(tempfile_dir, first_uid)
        console = io.StringIO()
        with disk, contextlib.redirect_stdout(console):
            results = grade(
                [path for path, _ in subs.values()],
                out,
                course_root=course,
                test_timeout=TEST_TIMEOUT,
                submission_timeout=180,
                jobs=2,
                quiet=False,
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
        "console": console.getvalue(),
        "disk_peak": disk.peak,
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


@pytest.mark.parametrize("name", ["full", *ATTACKS, *CHANNEL_ATTACKS])
def test_each_attack_scores_exactly_what_it_deserves(attacked, name):
    if name == "fork_bomb" and not attacked["own_uid"]:
        pytest.skip(
            "bwrap runs as root here (no unprivileged user namespaces): no per-user process limit holds"
        )
    result = attacked["results"][name]
    expected = attacked["subs"][name][1]
    statuses = {t.name: t.status for t in result.tests}
    assert result.score == expected, (
        f"{name} ({attacked['mode']}): {result.score} != {expected}; {statuses}; {result.notes}"
    )
    assert result.max_score == ATTACKED_MAX
    assert result.isolation == isolation.describe(attacked["mode"])


@pytest.mark.parametrize("name", [n for n in CHANNEL_ATTACKS if REASONS[n]])
def test_each_attack_on_the_channel_is_named_in_the_notes(attacked, name):
    notes = attacked["results"][name].notes
    assert any(re.search(REASONS[name], note) for note in notes), (
        f"{name} ({attacked['mode']}): no note matches {REASONS[name]!r}: {notes}"
    )


def test_a_class_the_lab_patched_is_still_the_tests_own(attacked):
    result = attacked["results"]["setattr_trusted_class"]
    test = next(t for t in result.tests if t.name == "test_parse_ticket")
    assert test.status == "error" and "ValidationError" in test.message, (test.status, test.message)


def test_an_interrupt_or_an_unreadable_failure_is_never_a_pass(attacked):
    result = attacked["results"]["interrupt_in_report"]
    statuses = {t.name: (t.status, t.message) for t in result.tests}
    assert statuses["test_add"][0] == "error" and "KeyboardInterrupt" in statuses["test_add"][1], statuses
    assert statuses["test_greet_sends_the_name"][0] == "error", statuses
    assert all(t.status != "passed" for t in result.tests)


def test_nothing_a_lab_chose_reaches_the_reports_as_it_was(attacked):
    """No escape sequence or control character, no path of the grading machine or of the sandbox, no value of
    the grader's environment, and no message over the limit, in any report, log or console line."""
    out = attacked["out"]
    texts = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file()
    }
    texts["console"] = attacked["console"]
    for name, text in texts.items():
        bad = re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
        assert not bad, f"{name} holds control characters {sorted(set(bad))!r}"
        for secret in (SECRET, str(attacked["course"]), "/submission/", str(attacked["out"])):
            assert secret not in text, f"{name} shows {secret!r}"
    data = json.loads(texts["grades.json"])
    injected = next(s for s in data["submissions"] if s["name"] == "report_injection")
    for lab in injected["labs"].values():
        for t in lab["tests"]:
            assert len(t["message"]) <= 2000 and (t["where"] is None or t["where"][0].startswith("labs/"))
    assert len(texts["grades.json"]) < 400_000, "a submission's messages bloated grades.json"
    assert len(texts["logs/report_injection.log"]) <= 1_100_000


def test_what_a_lab_writes_to_disk_is_bounded(attacked):
    assert attacked["disk_peak"] < isolation.SCRATCH_BYTES + 32 * 1024**2, (
        f"the grader's temporary folders held {attacked['disk_peak'] / 1024**2:.0f} MB at their peak"
    )


def test_no_result_for_a_test_the_course_does_not_have(attacked):
    data = json.loads((attacked["out"] / "grades.json").read_text())
    for sub in data["submissions"]:
        names = [t["nodeid"] for lab in sub["labs"].values() for t in lab["tests"]]
        assert len(names) == len(set(names)) == len(POINTS) + len(TYPED_POINTS)
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

    def prepare(root, lab_files, *args):
        if any("alice" in str(p) for p in lab_files):
            raise OSError("disk full (simulated)")
        return real_prepare(root, lab_files, *args)

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


@pytest.mark.parametrize("mode", MODES)
def test_the_classroom_recipes_own_layout_grades_the_solutions_at_full_marks(mode):
    """The recipe's layout exactly (docs/instructors.md, section 5): the instructor's course in /tmp/…/course,
    the grader's venv in /tmp/…/grader (its site-packages: this run's packages), the grader run with
    ``python -I`` from the student's checkout. bwrap's tmpfs on /tmp once hid that venv from the worker."""
    with pytest.MonkeyPatch.context() as mp:
        got = _use_mode(mp, mode)
        if mode == "bwrap" and got != "bwrap":
            pytest.skip("bubblewrap is not installed or cannot create namespaces here")
        if got == "none":
            pytest.skip("neither bwrap nor root: no fallback sandbox")
    root = Path(tempfile.mkdtemp(prefix="classroom-", dir="/tmp"))
    os.chmod(root, 0o755)  # as `python -m venv /tmp/grader` and `git clone ... /tmp/course` leave them
    try:
        course = make_course(root / "course", typed=True)
        venv = root / "grader"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        site = venv / "lib" / version / "site-packages"
        shutil.rmtree(site)
        site.symlink_to(
            sysconfig.get_paths()["purelib"]
        )  # the packages `pip install -r requirements.txt` puts there
        student = make_course(root / "student", typed=True)  # the student's repository
        for path in (student / "solutions").glob("lab*.py"):
            shutil.copyfile(path, student / "labs" / path.name)
        shutil.rmtree(student / "solutions")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COURSE_"))}
        if mode == "fallback":
            env["COURSE_GRADING_NO_BWRAP"] = "1"
        out = root / "grades"
        done = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-I",
                "-m",
                "course",
                "grade",
                ".",
                "--course",
                str(course),
                "--out",
                str(out),
                "--classroom50",
            ],
            cwd=student,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads((out / "result.json").read_text())
        failing = [t["test-name"] for t in result["tests"] if not t["passed"]]
        assert (result["score"], result["max-score"]) == (ATTACKED_MAX, ATTACKED_MAX), (
            f"{mode}: {failing}; {json.loads((out / 'grades.json').read_text())['submissions'][0]['notes']}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
