"""Federation throughput: result bundles ingested by the registry on PostgreSQL, and a video part over ZeroMQ.

1. **Results.** N exam-result bundles as an appliance builds them (result.json, two scanned documents of
   ~200 KB, the ведомость), signed and sealed to the registry. Baseline, in the same run: the raw
   cryptography of the same bundles — Ed25519 verify + HPKE open + manifest check
   (`core.bundle.verify_and_open`). Measured: `central.ingest.Ingestor.handle` on each bundle in serial
   order — verify, open, the serial rules, storing result.json and every document in the encrypted blob
   store, the `CentralResult` row, the journal, the commit on a PostgreSQL cluster with fsync on — and the
   signed acknowledgement. Printed: both rates and their ratio.
2. **Video.** One file of `--video-mb` MiB (default 1024) in the appliance's encrypted blob store, sent by
   the appliance's real sender (`federation.sender.push`: 8 MiB chunks, each a signed, sealed bundle with
   its serial, one in flight) over ZeroMQ with CURVE on loopback to the registry's real receiver
   (`BundleServer` + `Ingestor`: append at the expected offset with fsync, SHA-256 of the whole file at
   the end, moved into the registry's encrypted blob store). Baseline, in the same run: copying the same
   plain file locally (`shutil.copyfile` + fsync). Printed: both throughputs and their ratio.

Run: `.venv/bin/python bench/federation.py [--results 200] [--video-mb 1024]`
"""
from __future__ import annotations

import argparse
import functools
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.bootstrap import open_services  # noqa: E402
from central.bootstrap import load_registry_keys, open_central_services  # noqa: E402
from central.demo import load_central_demo  # noqa: E402
from central.ingest import Ingestor  # noqa: E402
from central.models import Appliance, CentralResult, VideoPart  # noqa: E402
from central.testing import make_central_config, result_document  # noqa: E402
from core.bundle import build_bundle, verify_and_open  # noqa: E402
from core.db import use_database, write_transaction  # noqa: E402
from core.demo_data import ORGANISATIONS  # noqa: E402
from core.models import Organisation, OrgKind, Qualification  # noqa: E402
from core.testing import NokProcess, free_port, fresh_postgres_database, make_config, throwaway_postgres  # noqa: E402
from federation.identity import load_or_create_keys  # noqa: E402
from federation.keys import PublicKeys, generate_appliance_keys  # noqa: E402
from federation.models import OutboxItem, OutboxState, RegistryLink  # noqa: E402
from federation.protocol import KIND_VIDEO_PART, PART_RESULT  # noqa: E402
from federation.sender import push  # noqa: E402

MIB = 1024 * 1024
print = functools.partial(print, flush=True)  # noqa: A001 — progress shows as it happens


def ratio(value: float, baseline: float) -> str:
    return f"×{value / baseline:.2f}" if baseline else "—"


def fake_pdf(size: int) -> bytes:
    """Bytes shaped like a scanned PDF (incompressible body, as a JPEG-filled scan is)."""
    return b"%PDF-1.4\n" + os.urandom(size) + b"\n%%EOF\n"


def result_parts(n: int) -> dict[str, bytes]:
    cok = Organisation.get((Organisation.kind == OrgKind.COK.value) & (Organisation.inn == _inn("cok1")))
    venue = Organisation.get((Organisation.kind == OrgKind.VENUE.value) & (Organisation.parent == cok))
    qualification = Qualification.get(Qualification.code == "40.05400.01")
    files = {"doc-01.pdf": fake_pdf(200_000), "doc-02.pdf": fake_pdf(200_000), "sheet.pdf": fake_pdf(30_000)}
    doc = result_document(application_id=n, number=f"З-{n}", full_name=f"Соискатель{n} Иван Петрович",
                          snils=None, birth_date="1985-04-12", qualification=qualification, cok=cok, venue=venue,
                          exam_date=dt.date.today() - dt.timedelta(days=2), verdict="passed",
                          theory_points=Decimal("44"),
                          documents=[{"part": name, "title": title, "content_type": "application/pdf",
                                      "size": len(data), "sha256": ""} for (name, data), title in
                                     zip(files.items(), ("Паспорт", "Диплом", "Экзаменационная ведомость"))])
    return {PART_RESULT: json.dumps(doc, ensure_ascii=False).encode("utf-8"), **files}


def _inn(key: str) -> str:
    return next(spec for spec in ORGANISATIONS if spec.key == key).fields["inn"]


def bench_results(registry_services, appliance_keys, appliance_id: str, count: int) -> None:
    use_database(registry_services.db)
    registry_keys = load_registry_keys(registry_services.config)
    registry_public = PublicKeys.from_info(registry_keys.public_info())
    with registry_services.db.connection_context():
        bundles = [build_bundle("exam_result", appliance_id, i, result_parts(i),
                                appliance_keys.signing_key, registry_public.hpke_public_key)
                   for i in range(1, count + 1)]
    size = sum(len(b) for b in bundles) / count
    started = time.perf_counter()
    for data in bundles:
        verify_and_open(data, signer_public_key=appliance_keys.signing_key.public_key(),
                        registry_private_key=registry_keys.hpke_key)
    raw = count / (time.perf_counter() - started)
    ingestor = Ingestor(registry_services, registry_keys)
    curve = appliance_keys.curve.public.decode("ascii")
    started = time.perf_counter()
    with registry_services.db.connection_context():
        for data in bundles:
            ingestor.handle(data, curve)
    full = count / (time.perf_counter() - started)
    with registry_services.db.connection_context():
        stored = CentralResult.select().count()
    assert stored == count, f"в реестре {stored} результатов из {count}"
    print(f"Результаты: {count} пакетов по {size / 1024:.0f} КБ")
    print(f"  базовый уровень — проверка подписи Ed25519 + вскрытие HPKE: {raw:8.1f} пакетов/с")
    print(f"  реестр на PostgreSQL — проверка, вскрытие, запись, фиксация:  {full:8.1f} пакетов/с  "
          f"({ratio(full, raw)} от базового)")


def bench_video(tmp: Path, registry_services, size_mb: int) -> None:
    source = tmp / "video.webm"
    with open(source, "wb") as f:
        block = os.urandom(MIB)
        for _ in range(size_mb):
            f.write(block)
    size = source.stat().st_size
    started = time.perf_counter()
    copy = tmp / "copy.webm"
    shutil.copyfile(source, copy)
    with open(copy, "rb") as f:
        os.fsync(f.fileno())
    local = size / (time.perf_counter() - started)
    copy.unlink()

    appliance_config = make_config(tmp / "appliance", kdf_iter=1000)
    appliance = open_services(appliance_config)
    with appliance.db.connection_context():
        with open(source, "rb") as f:
            blob = appliance.blobs.put_stream(f)
    source.unlink()
    keys = load_or_create_keys(appliance_config)
    registry_keys = load_registry_keys(registry_services.config)
    info = keys.public_info()
    use_database(registry_services.db)
    with registry_services.db.connection_context(), write_transaction(registry_services.db):
        cok = Organisation.get((Organisation.kind == OrgKind.COK.value) & (Organisation.inn == _inn("cok1")))
        Appliance.create(appliance_id="bench-video", organisation=cok, title="Комплекс для замера",
                         signing_public_key=info["signing_public_key"], hpke_public_key=info["hpke_public_key"],
                         curve_public_key=info["curve_public_key"])
    endpoint = registry_services.config.registry_bind
    # The registry's receiver in its own process, as in production (`nok central worker`): one process
    # cannot hold the appliance's and the registry's databases at once (the models' database is global).
    worker = NokProcess(registry_services.config.config_file, "central", "worker").start()
    time.sleep(1.0)  # the worker binds its socket; the sender's lazy-pirate retries cover a slow start
    try:
        use_database(appliance.db)
        with appliance.db.connection_context(), write_transaction(appliance.db):
            public = registry_keys.public_info()
            link = RegistryLink.create(appliance_id="bench-video", registry_url="http://127.0.0.1",
                                       registry_endpoint=endpoint, registry_signing_key=public["signing_public_key"],
                                       registry_hpke_key=public["hpke_public_key"],
                                       registry_curve_key=public["curve_public_key"])
            OutboxItem.create(kind=KIND_VIDEO_PART, source=f"video:{blob.digest}", title="Запись зала, 1 час",
                              file_digest=blob.digest, file_size=blob.size,
                              meta=json.dumps({"title": "Запись зала", "meta": {"stream": "room"}}))
        started = time.perf_counter()
        with appliance.db.connection_context():
            while OutboxItem.select().where(OutboxItem.state == OutboxState.PENDING).exists():
                push(appliance, keys=keys, link=RegistryLink.get(), timeout=120)
        sent = size / (time.perf_counter() - started)
    finally:
        worker.stop()
    use_database(registry_services.db)
    with registry_services.db.connection_context():
        part = VideoPart.get(VideoPart.part_id == blob.digest)
        assert part.blob_digest == blob.digest and part.received_size == size, "запись не собрана целиком"
    appliance.db.close()
    print(f"Видео: файл {size / MIB:.0f} МиБ, части по 8 МиБ")
    print(f"  базовый уровень — копирование файла на месте:             {local / MIB:8.1f} МиБ/с")
    print(f"  ZeroMQ CURVE, подписанные пакеты, запись в реестр:         {sent / MIB:8.1f} МиБ/с  "
          f"({ratio(sent, local)} от копирования)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=200, help="сколько пакетов результатов")
    parser.add_argument("--video-mb", type=int, default=1024, help="размер видеозаписи, МиБ")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nok-bench-federation-") as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)  # PostgreSQL runs as its own user and must reach its data directory
        with throwaway_postgres(tmp / "pg", durable=True) as admin_url, fresh_postgres_database(admin_url) as url:
            config = make_central_config(tmp / "central", database_url=url,
                                         registry_bind=f"tcp://127.0.0.1:{free_port()}")
            registry = open_central_services(config)
            with registry.db.connection_context():
                load_central_demo()
            appliance_keys = generate_appliance_keys()
            keys_info = appliance_keys.public_info()
            with registry.db.connection_context(), write_transaction(registry.db):
                cok = Organisation.get((Organisation.kind == OrgKind.COK.value) & (Organisation.inn == _inn("cok1")))
                Appliance.create(appliance_id="bench-results", organisation=cok, title="Комплекс для замера",
                                 signing_public_key=keys_info["signing_public_key"],
                                 hpke_public_key=keys_info["hpke_public_key"],
                                 curve_public_key=keys_info["curve_public_key"])
            bench_results(registry, appliance_keys, "bench-results", args.results)
            bench_video(tmp, registry, args.video_mb)
            registry.db.close()


if __name__ == "__main__":
    main()
