"""`nok central worker`: the registry's background process — the bundle receiver and the НАРК queue.

The ZeroMQ receiver serves in its own thread; this loop sends due НАРК records every few seconds.
Nothing in the loop may stop the receiver: every error is logged and the loop goes on.
"""
from __future__ import annotations

import importlib
import logging
import threading

from central.bootstrap import load_registry_keys, open_central_services
from central.receiver import make_server
from core.config import Config
from core.context import Services

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 5.0


def _send_due():
    """`central.services.nark.send_due`, or None while that module is not there."""
    try:
        return importlib.import_module("central.services.nark").send_due
    except (ImportError, AttributeError):
        return None


def nark_pass(services: Services, warned: list[bool]) -> None:
    """One pass over the НАРК queue; never raises."""
    send_due = _send_due()
    if send_due is None:
        if not warned:
            log.warning("Модуль отправки в НАРК (central.services.nark) недоступен; очередь НАРК не обрабатывается")
            warned.append(True)
        return
    try:
        services.db.connect(reuse_if_open=True)
        sent = send_due(services)
        if sent:
            log.info("Отправлено в НАРК записей: %s", sent)
    except Exception:
        log.exception("Ошибка при отправке записей в НАРК; повторим через %g с", INTERVAL_SECONDS)
        if services.db.in_transaction():
            services.db.rollback()


def run_worker(config: Config, stop: threading.Event, *, interval: float = INTERVAL_SECONDS) -> None:
    """Serve bundles on `config.registry_bind` and work the НАРК queue until `stop` is set."""
    services = open_central_services(config)
    server = make_server(services, load_registry_keys(config)).start()
    log.info("Приёмник пакетов реестра слушает %s", server.endpoint)
    warned: list[bool] = []
    try:
        while not stop.is_set():
            nark_pass(services, warned)
            stop.wait(interval)
    finally:
        server.stop()
        if not services.db.is_closed():
            services.db.close()
        log.info("Приёмник пакетов реестра остановлен")
