"""Exam day under load: N candidates sign in at the same second, then save answers every few seconds.

Runs `nok serve` (gunicorn, 2 workers) on loopback over a fresh SQLCipher appliance with one
started theory group of N candidates, and drives it with an asyncio HTTP client (one TCP
connection per request, as the stations do):

1. start spike — every candidate at once: GET /kiosk, POST the access code, GET the test page
   (which builds the variant); prints the time until the last candidate had the test;
2. exam — each candidate saves an answer every `--interval` seconds (jittered) for
   `--seconds`; prints answer-save latency p50/p99 and errors;
3. capacity — `--concurrency` loops save answers back to back, and the same loops GET a trivial
   falcon endpoint served by the same gunicorn settings: answer saves/s as a ratio to it;
4. check — every answer that got a 200 reply is read back from the database: lost answers.

Run: `.venv/bin/python bench/exam_day.py [--candidates 500] [--seconds 30] [--interval 5]`
(try `--candidates 2000`). Anchor: Moodle 4.5 needs 16 vCPUs for 2000 simultaneous quiz takers.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.bootstrap import open_services  # noqa: E402
from core.config import CONFIG_ENV, load_config  # noqa: E402
from core.models import AttemptAnswer, ExamAttempt, GroupMember, OrgKind  # noqa: E402
from core.plugins import PluginHost  # noqa: E402
from core.testing import Factory, free_port, make_config, running_gunicorn  # noqa: E402
from core.testing_exam import ExamDayWorld, kos_document  # noqa: E402
from plugins.theory_exam.values import check_value  # noqa: E402

WORKERS = 2
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STATION_CSRF = re.compile(r'data-csrf="([^"]+)"')
SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов")
NAMES = ("Иван", "Пётр", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Олег", "Павел", "Николай")
PATRONYMICS = ("Иванович", "Петрович", "Алексеевич", "Дмитриевич", "Сергеевич", "Андреевич", "Михайлович",
               "Олегович", "Павлович", "Николаевич", "Юрьевич", "Викторович", "Борисович", "Игоревич", "Романович",
               "Егорович", "Антонович", "Максимович", "Кириллович", "Фёдорович")


# --- the appliance under test ---------------------------------------------------------------

def bench_kos() -> dict:
    """A КОС with a 60-question bank in 3 sections; the test draws 30 (every question type)."""
    doc = kos_document(version="bench-1")
    base = doc["theory"]["sections"]
    sections = []
    for s in range(3):
        questions = []
        for i in range(20):
            template = dict(base[i % 2]["questions"][(i // 2) % 4])
            template["id"] = f"b{s}-{i:02d}"
            questions.append(template)
        sections.append({"id": f"b{s}", "title": f"Раздел {s + 1}", "questions": questions})
    doc["theory"] = {"specification": {"time_limit_minutes": 90, "pass_points": 20,
                                       "draw": [{"section": f"b{s}", "count": 10} for s in range(3)]},
                     "sections": sections, "samples": doc["theory"]["samples"]}
    return doc


def prepare(data_dir: Path, candidates: int) -> tuple[Path, list[str]]:
    """A fresh appliance with one started theory group of `candidates`; returns config and codes."""
    config = make_config(data_dir)
    config_path = config.config_file
    os.environ[CONFIG_ENV] = str(config_path)
    services = open_services(config, PluginHost.load(config.plugins))
    factory = Factory()
    with services.db.atomic():
        spk = factory.org(OrgKind.SPK)
        cok = factory.org(OrgKind.COK, parent=spk)
        world = ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok), kos=bench_kos())
        names = [f"{SURNAMES[i % 10]} {NAMES[(i // 10) % 10]} {PATRONYMICS[(i // 100) % 20]}" for i in range(candidates)]
        _, members = world.started_group(*names, duration_minutes=240)
    codes = [m.access_code for m in members]
    services.db.close()
    return config_path, codes


class Server:
    """`nok serve` in a child process: started, killed, restarted."""

    def __init__(self, config_path: Path, port: int):
        self.config_path, self.port, self.proc = config_path, port, None

    def start(self) -> None:
        env = {**os.environ, CONFIG_ENV: str(self.config_path)}
        cmd = [sys.executable, "-m", "appliance.cli", "serve", "--bind", f"127.0.0.1:{self.port}",
               "--workers", str(WORKERS)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:  # refused, reset or timed out while it starts
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nok serve не запустился")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=20)


# --- a minimal HTTP/1.1 client on asyncio -----------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                found[key.strip()] = val.strip()
        return found

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


async def http(port: int, method: str, path: str, *, cookies: dict[str, str] | None = None,
               headers: dict[str, str] | None = None, body: bytes = b"", timeout: float = 120) -> Reply:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                 f"Content-Length: {len(body)}"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = [(k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines)]
    return Reply(int(status_line.split()[1]), parsed, payload)


# --- candidates -------------------------------------------------------------------------------

@dataclass
class Stats:
    signin: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: dict[tuple[int, str], str] = field(default_factory=dict)  # (attempt, question) -> JSON value


@dataclass
class Candidate:
    code: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    attempt_id: int | None = None
    questions: list[dict] = field(default_factory=list)


async def sign_in(port: int, cand: Candidate, stats: Stats, start: float) -> None:
    try:
        page = await http(port, "GET", "/kiosk")
        cand.cookies.update(page.cookies())
        cand.csrf = CSRF.search(page.body.decode()).group(1)
        form = f"code={cand.code}&csrf_token={cand.csrf}".encode()
        signed = await http(port, "POST", "/kiosk", cookies=cand.cookies, body=form,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        if signed.status != 303:
            raise RuntimeError(f"вход по коду: HTTP {signed.status}")
        cand.cookies.update(signed.cookies())
        test = await http(port, "GET", signed.header("location") or "/p/theory_exam/take", cookies=cand.cookies)
        if test.status != 200:
            raise RuntimeError(f"страница теста: HTTP {test.status}")
        cand.csrf = STATION_CSRF.search(test.body.decode()).group(1)  # the station's own token
        stats.signin.append(time.monotonic() - start)
    except Exception as ex:  # noqa: BLE001 — every failure is counted and printed
        stats.errors.append(f"вход: {ex}")


def answer_for(question: dict, rng: random.Random) -> object:
    """A well-formed answer: usually the right one, sometimes a wrong one (realistic traffic)."""
    key, kind = question["key"], question["type"]
    if rng.random() < 0.8:
        return {"single": lambda: key["correct"], "multiple": lambda: key["correct"],
                "matching": lambda: key["pairs"], "ordering": lambda: key["order"],
                "text": lambda: key["answers"][0], "number": lambda: str(key["answer"])}[kind]()
    if kind in ("single", "multiple"):
        option = rng.choice(question["options"])["id"]
        return option if kind == "single" else [option]
    if kind == "matching":
        rights = [r["id"] for r in question["right"]]
        return {left["id"]: rng.choice(rights) for left in question["left"]}
    if kind == "ordering":
        return rng.sample([i["id"] for i in question["items"]], len(question["items"]))
    return "не знаю" if kind == "text" else str(rng.randint(0, 99))


async def save(port: int, cand: Candidate, question: dict, value: object, stats: Stats | None) -> bool:
    body = json.dumps({"question": question["id"], "value": value}, ensure_ascii=False).encode()
    began = time.monotonic()
    try:
        reply = await http(port, "POST", "/p/theory_exam/take/answer", cookies=cand.cookies, body=body,
                           headers={"Content-Type": "application/json", "X-CSRF-Token": cand.csrf})
    except Exception as ex:  # noqa: BLE001
        if stats is not None:
            stats.errors.append(f"ответ: {ex}")
        return False
    if reply.status != 200:
        if stats is not None:
            stats.errors.append(f"ответ: HTTP {reply.status} {reply.body[:120]!r}")
        return False
    if stats is not None:
        stats.saves.append(time.monotonic() - began)
        # compared in the shape the server stores (e.g. chosen options in the order shown)
        stored_shape = check_value(question, value)
        stats.acknowledged[(cand.attempt_id, question["id"])] = json.dumps(stored_shape, ensure_ascii=False)
    return True


async def take_exam(port: int, cand: Candidate, stats: Stats, seconds: float, interval: float, seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, interval))
    stop = time.monotonic() + seconds
    i = 0
    while time.monotonic() < stop and cand.questions:
        question = cand.questions[i % len(cand.questions)]
        await save(port, cand, question, answer_for(question, rng), stats)
        i += 1
        await asyncio.sleep(rng.uniform(interval * 0.5, interval * 1.5))


async def saturate(port: int, cands: list[Candidate], seconds: float, path: str | None) -> float:
    """Requests/s of back-to-back loops: answer saves, or GET `path` (the trivial endpoint)."""
    count, stop = [0], time.monotonic() + seconds

    async def loop(cand: Candidate, n: int) -> None:
        rng = random.Random(n)
        while time.monotonic() < stop:
            if path:
                ok = (await http(port, "GET", path)).status == 200
            else:
                question = rng.choice(cand.questions)
                ok = await save(port, cand, question, answer_for(question, rng), None)
            count[0] += ok

    began = time.monotonic()
    await asyncio.gather(*(loop(c, n) for n, c in enumerate(cands)))
    return count[0] / (time.monotonic() - began)


def load_variants(config_path: Path, cands: list[Candidate]) -> None:
    """Each candidate's variant (with the key, to answer right) as the server built it."""
    services = open_services(load_config(config_path), PluginHost.load([]), run_migrations=False)
    by_code = {m.access_code: m.id for m in GroupMember.select()}
    attempts = {a.member_id: a for a in ExamAttempt.select()}
    for cand in cands:
        attempt = attempts.get(by_code.get(cand.code))
        if attempt is not None:
            cand.attempt_id, cand.questions = attempt.id, attempt.data["questions"]
    services.db.close()


def count_lost(config_path: Path, acknowledged: dict[tuple[int, str], str]) -> int:
    """Acknowledged answers whose last value is not what the database holds."""
    services = open_services(load_config(config_path), PluginHost.load([]), run_migrations=False)
    stored = {(a.attempt_id, a.question_id): a.value for a in AttemptAnswer.select()}
    services.db.close()
    return sum(1 for k, v in acknowledged.items() if json.loads(stored.get(k, "null")) != json.loads(v))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace, config_path: Path, codes: list[str], port: int, trivial_port: int) -> int:
    cands = [Candidate(code) for code in codes]
    stats = Stats()
    start = time.monotonic()
    await asyncio.gather(*(sign_in(port, c, stats, start) for c in cands))
    spike = time.monotonic() - start
    load_variants(config_path, cands)
    print(f"Кандидатов: {len(cands)}; вошли и получили тест: {len(stats.signin)} за {spike:.1f} с "
          f"(p50 {pct(stats.signin, .5):.2f} с, p99 {pct(stats.signin, .99):.2f} с)")
    await asyncio.gather(*(take_exam(port, c, stats, args.seconds, args.interval, n) for n, c in enumerate(cands)))
    print(f"Сохранено ответов: {len(stats.saves)} за {args.seconds:g} с; задержка p50 {pct(stats.saves, .5) * 1000:.0f} мс, "
          f"p99 {pct(stats.saves, .99) * 1000:.0f} мс")
    lost = count_lost(config_path, stats.acknowledged)  # before the capacity phase rewrites answers
    signed = [c for c in cands if c.questions][:args.concurrency]
    rounds = []
    for _ in range(args.rounds):
        saves = await saturate(port, signed, args.capacity_seconds, None)
        trivial = await saturate(trivial_port, signed, args.capacity_seconds, "/")
        rounds.append((saves, trivial))
    saves, trivial = statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)
    print(f"Ёмкость ({len(signed)} параллельных): сохранения {saves:.0f}/с, тривиальный falcon {trivial:.0f}/с, "
          f"отношение {saves / trivial:.2f}")
    print(f"Ошибок: {len(stats.errors)}; потеряно подтверждённых ответов: {lost}")
    for line in stats.errors[:10]:
        print("  ", line)
    return 0 if not stats.errors and not lost else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30, help="длительность фазы экзамена")
    parser.add_argument("--interval", type=float, default=5, help="секунд между ответами одного соискателя")
    parser.add_argument("--concurrency", type=int, default=32, help="параллельных циклов в замере ёмкости")
    parser.add_argument("--capacity-seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.candidates * 2 + 256)), hard))
    with tempfile.TemporaryDirectory(prefix="nok-exam-day-") as tmp:
        began = time.monotonic()
        config_path, codes = prepare(Path(tmp) / "data", args.candidates)
        print(f"Подготовка базы: {time.monotonic() - began:.1f} с")
        server = Server(config_path, free_port())
        server.start()
        try:
            with running_gunicorn("bench.trivial_app:application()", workers=WORKERS) as trivial_base:
                trivial_port = int(trivial_base.rsplit(":", 1)[1])
                return asyncio.run(run(args, config_path, codes, server.port, trivial_port))
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
