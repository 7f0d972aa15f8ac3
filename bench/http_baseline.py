"""HTTP baseline: requests/s of the login page and of an authenticated cabinet page.

Each figure is printed as a ratio to a trivial falcon endpoint served by the same gunicorn
settings in the same run (the machine is noisy: ratios, medians of several rounds, no
absolute limits). Load comes from `wrk` when installed, else from a bounded Python client;
all traffic stays on 127.0.0.1.

Run: `.venv/bin/python bench/http_baseline.py [--seconds 5] [--rounds 3]`
"""
from __future__ import annotations

import argparse
import http.cookiejar
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.bootstrap import open_services  # noqa: E402
from core.config import CONFIG_ENV  # noqa: E402
from core.models import OrgKind, Role  # noqa: E402
from core.plugins import PluginHost  # noqa: E402
from core.services.users import create_user  # noqa: E402
from core.models import Organisation  # noqa: E402
from core.testing import make_config, running_gunicorn  # noqa: E402

PASSWORD = "bench-password-2026"
NAMES = ("Иван", "Пётр", "Анна", "Мария", "Олег", "Елена")
WORKERS = 2


def measure(url: str, seconds: float, cookie: str | None) -> float:
    """Requests per second against `url` for `seconds`."""
    if shutil.which("wrk"):
        cmd = ["wrk", "-t2", "-c16", f"-d{seconds:g}s", url]
        if cookie:
            cmd[1:1] = ["-H", f"Cookie: {cookie}"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if non2xx:
            raise RuntimeError(f"{url}: ответы с ошибкой ({non2xx.group(1)}):\n{out}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return _python_load(url, seconds, cookie)


def _python_load(url: str, seconds: float, cookie: str | None, threads: int = 8) -> float:
    count, lock, stop = [0], threading.Lock(), time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker():
        while time.monotonic() < stop:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as reply:
                reply.read()
                if reply.status != 200:
                    raise RuntimeError(f"{url}: HTTP {reply.status}")
            with lock:
                count[0] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return count[0] / (time.monotonic() - started)


def login_cookie(base: str, email: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    opener.open(f"{base}/login", data=urllib.parse.urlencode(
        {"csrf_token": csrf, "email": email, "password": PASSWORD}).encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def prepare(data_dir: Path) -> Path:
    config = make_config(data_dir)
    services = open_services(config, PluginHost.load(config.plugins))
    with services.db.connection_context():
        org = Organisation.create(kind=OrgKind.COK.value, full_name="ООО «ЦОК Бенчмарк»", short_name="ЦОК Бенчмарк")
        for i in range(30):
            create_user(email=f"staff{i}@bench.ru", full_name=f"Сотрудников {NAMES[i % len(NAMES)]}", role=Role.OPERATOR,
                        organisation=org)
        create_user(email="admin@bench.ru", full_name="Администраторов Админ", role=Role.ADMIN,
                    organisation=org, password=PASSWORD)
    services.db.close()
    return config.config_file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nok-bench-") as tmp:
        config_file = prepare(Path(tmp) / "data")
        env = {CONFIG_ENV: str(config_file)}
        results: dict[str, list[float]] = {"trivial": [], "login": [], "cabinet": []}
        with running_gunicorn("bench.trivial_app:application()", env, workers=WORKERS) as trivial_base, \
                running_gunicorn("appliance.wsgi:application()", env, workers=WORKERS) as app_base:
            cookie = login_cookie(app_base, "admin@bench.ru")
            for _ in range(args.rounds):  # interleave so drift of the machine hits all three alike
                results["trivial"].append(measure(f"{trivial_base}/", args.seconds, None))
                results["login"].append(measure(f"{app_base}/login", args.seconds, None))
                results["cabinet"].append(measure(f"{app_base}/cabinet/cok/staff", args.seconds, cookie))
    med = {k: statistics.median(v) for k, v in results.items()}
    tool = "wrk" if shutil.which("wrk") else "python"
    print(f"HTTP baseline ({tool}, gunicorn {WORKERS} workers, {args.rounds} rounds × {args.seconds:g} s, median)")
    print(f"  trivial falcon endpoint      {med['trivial']:9.0f} req/s   ratio 1.00")
    for key, label in (("login", "login page (GET /login)"), ("cabinet", "cabinet page (staff list)")):
        print(f"  {label:<28} {med[key]:9.0f} req/s   ratio {med[key] / med['trivial']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
