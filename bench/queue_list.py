"""Queue of applications at 100 000 rows: the ЦОК's «Заявления» page, filtered and paginated.

Fills a fresh SQLCipher database (the appliance's real one: `make_config` + `open_services`)
with one ЦОК, three venues, twenty qualifications and N applications of realistic Russian
names (bulk `insert_many` in batches), then times the queue page through `falcon.testing`:
unfiltered page 1 and page 200, filtered (qualification + status + ФИО prefix) page 1, a
status filter at page 200, a date range and a «содержит» search. Each figure is the median
of several runs, printed as a ratio to the same page of an empty queue (a separate empty
database measured in the same run), because the machine is shared and noisy.

`--try-index` also measures after adding candidate indexes (to decide on a migration);
the app itself never creates them.

Run: `.venv/bin/python bench/queue_list.py [--rows 100000] [--runs 15]`
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import falcon.testing  # noqa: E402

from appliance.bootstrap import open_services  # noqa: E402
from appliance.web.app import create_app  # noqa: E402
from core.context import Services  # noqa: E402
from core.db import use_database  # noqa: E402
from core.models import (Application, OrgKind, Organisation, ProfStandard, Qualification,  # noqa: E402
                         QualificationOffer, Role, User)
from core.plugins import BUILTIN_PLUGINS, PluginHost  # noqa: E402
from core.services.users import create_user, set_password  # noqa: E402
from core.testing import make_config  # noqa: E402
from core.workflow import Status  # noqa: E402

PASSWORD = "bench-password-2026"
BATCH = 1000
SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов")
MALE = ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил",
        "Никита", "Матвей", "Роман", "Егор", "Арсений", "Иван", "Денис", "Евгений", "Тимофей", "Владимир")
FEMALE = ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Ирина", "Светлана", "Юлия",
          "Анастасия", "Дарья", "Полина", "Виктория", "Ксения")
PATRONYMICS = ("Александрович", "Дмитриевич", "Сергеевич", "Андреевич", "Алексеевич", "Иванович", "Владимирович",
               "Николаевич", "Михайлович", "Петрович", "Юрьевич", "Викторович", "Олегович", "Игоревич", "Евгеньевич")
# A realistic mix: most applications are past the review, a fifth wait for it.
STATUS_WEIGHTS = {Status.DRAFT: 4, Status.SUBMITTED: 18, Status.NEEDS_FIX: 5, Status.AWAITING_PAYMENT: 12,
                  Status.PAID_DATE_AGREEMENT: 8, Status.EXAM_SCHEDULED: 8, Status.THEORY_PASSED: 5,
                  Status.SENT_TO_SPK: 5, Status.CERTIFICATE_ISSUED: 30, Status.WITHDRAWN: 5}
# What `--try-index` adds: the queue's order within a ЦОК, and its most common filter pair.
CANDIDATE_INDEXES = (
    'CREATE INDEX IF NOT EXISTS "bench_app_cok_sub" ON "application" ("cok_id", "submitted_at")',
    'CREATE INDEX IF NOT EXISTS "bench_app_cok_qual_status_sub" ON "application" '
    '("cok_id", "qualification_id", "status", "submitted_at")',
)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
FOUND_RE = re.compile(r"Найдено: (\d+)")


def person(rng: random.Random) -> str:
    """«Соколова Анна Игоревна»: surname, name and patronymic agreeing in gender."""
    surname, patronymic = rng.choice(SURNAMES), rng.choice(PATRONYMICS)
    if rng.random() < 0.5:
        return f"{surname}а {rng.choice(FEMALE)} {patronymic.replace('вич', 'вна')}"
    return f"{surname} {rng.choice(MALE)} {patronymic}"


def open_world(data_dir: Path) -> tuple[Services, dict]:
    """An appliance with one ЦОК, its admin, three venues and twenty offered qualifications."""
    config = make_config(data_dir)
    services = open_services(config, PluginHost.with_plugins(BUILTIN_PLUGINS))
    services.db.connect(reuse_if_open=True)
    spk = Organisation.create(kind=OrgKind.SPK.value, full_name="СПК в строительстве", short_name="СПК")
    cok = Organisation.create(kind=OrgKind.COK.value, parent=spk, full_name="ООО «ЦОК «Профи»", short_name="ЦОК")
    venues = [Organisation.create(kind=OrgKind.VENUE.value, parent=cok, full_name=f"Площадка № {n}",
                                  short_name=f"Площадка № {n}") for n in range(1, 4)]
    std = ProfStandard.create(code="16.025", name="Сварщик")
    quals = [Qualification.create(spk=spk, prof_standard=std, code=f"16.02500.{n:02d}",
                                  name=f"Сварщик, специализация {n}", level=2 + n % 5) for n in range(1, 21)]
    for qual in quals:
        QualificationOffer.create(cok=cok, qualification=qual)
    admin = create_user(email="admin@cok.ru", full_name="Кузнецова Мария Ивановна", role=Role.ADMIN,
                        organisation=cok)
    set_password(admin, PASSWORD)
    return services, {"cok": cok, "venues": venues, "quals": quals}


def fill(world: dict, rows: int, seed: int = 2026) -> None:
    """Bulk-insert `rows` applicants and their applications (no audit: this is data, not actions)."""
    rng = random.Random(seed)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    start = dt.datetime(2023, 1, 1)
    span = int((dt.datetime(2026, 3, 1) - start).total_seconds())
    for offset in range(0, rows, BATCH):
        count = min(BATCH, rows - offset)
        names = [person(rng) for _ in range(count)]
        with Application._meta.database.atomic():
            first = offset + 1
            User.insert_many([{"email": f"applicant{first + i}@mail.ru", "full_name": names[i],
                               "phone": f"+7902{rng.randrange(10**7):07d}", "role": Role.APPLICANT.value}
                              for i in range(count)]).execute()
            ids = [u.id for u in User.select(User.id).where(User.email.in_(
                [f"applicant{first + i}@mail.ru" for i in range(count)])).order_by(User.id)]
            batch = []
            for i, applicant_id in enumerate(ids):
                status = rng.choices(statuses, weights)[0]
                submitted = None if status is Status.DRAFT else start + dt.timedelta(seconds=rng.randrange(span))
                batch.append({"applicant": applicant_id, "cok": world["cok"].id,
                              "venue": rng.choice(world["venues"]).id, "qualification": rng.choice(world["quals"]).id,
                              "status": status.value, "full_name": names[i], "number": f"З-{first + i:06d}",
                              "submitted_at": submitted, "created_at": submitted or start,
                              "updated_at": submitted or start, "personal_data": "{}"})
            Application.insert_many(batch).execute()


class Browser:
    """A signed-in falcon TestClient (cookie and CSRF handled like the web tests' WebClient)."""

    def __init__(self, services: Services):
        self.services = services
        self.client = falcon.testing.TestClient(create_app(services))
        use_database(services.db)  # two appliances in one process: point the models at ours
        login = self.client.simulate_get("/login")
        self.cookie = "; ".join(f"{k}={v.value}" for k, v in login.cookies.items())
        token = CSRF_RE.search(login.text).group(1)
        done = self.client.simulate_post("/login", body=urlencode(
            {"email": "admin@cok.ru", "password": PASSWORD, "csrf_token": token}),
            headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})
        assert done.status_code == 303, done.text[:300]
        self.cookie = "; ".join(f"{k}={v.value}" for k, v in done.cookies.items())

    def get(self, path: str) -> falcon.testing.Result:
        use_database(self.services.db)
        result = self.client.simulate_get(path, headers={"Cookie": self.cookie, "Accept": "text/html"})
        assert result.status_code == 200, (path, result.status_code, result.text[:300])
        return result

    def median_ms(self, path: str, runs: int) -> float:
        self.get(path)  # warm the caches
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            self.get(path)
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)


def pages(world: dict) -> dict[str, str]:
    qual = world["quals"][3].id
    base = "/cabinet/cok/applications"
    return {
        "без фильтра, стр. 1": base,
        "без фильтра, стр. 200": f"{base}?page=200",
        "квалификация + статус + ФИО «Соко», стр. 1": f"{base}?qualification={qual}&status=submitted&name=Соко",
        "статус «Свидетельство выдано», стр. 200": f"{base}?status=certificate_issued&page=200",
        "даты подачи (месяц), стр. 1": f"{base}?date_from=2025-05-01&date_to=2025-05-31",
        "ФИО содержит «ович», стр. 1": f"{base}?name=ович&match=contains",
    }


def measure(full: Browser, empty: Browser, world: dict, runs: int, rounds: int) -> dict[str, tuple[float, float, str]]:
    """Median ms of each page, its ratio to the empty queue page (interleaved rounds) and «Найдено»."""
    results: dict[str, list[tuple[float, float]]] = {}
    for _ in range(rounds):
        baseline = empty.median_ms("/cabinet/cok/applications", runs)
        for title, path in pages(world).items():
            ms = full.median_ms(path, runs)
            results.setdefault(title, []).append((ms, ms / baseline))
    found = {title: (FOUND_RE.search(full.get(path).text) or ["", "?"])[1] for title, path in pages(world).items()}
    return {t: (statistics.median(m for m, _ in v), statistics.median(r for _, r in v), found[t])
            for t, v in results.items()}


def report(label: str, results: dict[str, tuple[float, float, str]]) -> None:
    print(f"\n{label}")
    for title, (ms, ratio, found) in results.items():
        print(f"  {title:<44} найдено {found:>6}  {ms:7.1f} мс  ×{ratio:5.2f} к пустой очереди")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--try-index", action="store_true", help="measure again with candidate indexes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nok-bench-queue-") as tmp:
        empty_services, _ = open_world(Path(tmp) / "empty")
        full_services, world = open_world(Path(tmp) / "full")
        began = time.perf_counter()
        fill(world, args.rows)
        print(f"Заполнено заявлений: {args.rows} за {time.perf_counter() - began:.1f} с "
              f"(SQLCipher, пакеты по {BATCH})")
        full_services.db.execute_sql("ANALYZE")
        empty, full = Browser(empty_services), Browser(full_services)
        print(f"Пустая очередь: {empty.median_ms('/cabinet/cok/applications', args.runs):.1f} мс (медиана)")
        use_database(full_services.db)
        total = Application.select().count()
        report(f"Очередь из {total} заявлений (медиана {args.runs} запросов × {args.rounds} раунда):",
               measure(full, empty, world, args.runs, args.rounds))
        if args.try_index:
            use_database(full_services.db)
            for sql in CANDIDATE_INDEXES:
                full_services.db.execute_sql(sql)
            full_services.db.execute_sql("ANALYZE")
            report("С дополнительными индексами:", measure(full, empty, world, args.runs, args.rounds))
        for services in (empty_services, full_services):
            services.db.close()


if __name__ == "__main__":
    main()
