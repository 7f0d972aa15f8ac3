"""Every hook a НОК-Платформа plugin can implement — the plugin contract.

Plugins implement these with ``core.plugin_api.hookimpl``. Core never calls
``pm.hook.nok_*`` itself: ``core.plugins.PluginHost`` is the one typed caller, which
checks what each plugin returns and names the plugin when something is wrong.

Conventions:

- ``nok_register_*`` hooks and the other collecting hooks return a list (or dict) of
  contributions; ``None`` (or not implementing the hook) means "nothing to add".
- Event hooks are named in the past tense and return ``None``; they run in the caller's
  database transaction after the change was written.
- A hook whose callers need exactly one answer would be declared ``firstresult=True``;
  none of the hooks below selects a single answer — each collects from every plugin.
- Implementations may accept fewer arguments than the spec lists (pluggy passes only the
  ones they name), never more.

Every hook is documented in ``docs/plugins.md`` and exercised by a test; the test suite
fails otherwise (``tests/core/test_hookspecs_docs.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import pathlib

    import click
    import falcon
    import peewee

    from core.context import Services
    from core.plugin_api import MenuItem, Migration
    from core.providers import ExamType, ExportTarget, PaymentMethod, Recorder

hookspec = pluggy.HookspecMarker("nok")


# --- providers -------------------------------------------------------------------------------

@hookspec
def nok_register_exam_types() -> list[type[ExamType]] | None:
    """Return the exam types (этапы экзамена) this plugin provides.

    Called by ``PluginHost.exam_types()`` when core needs the catalogue: building an exam
    schedule, starting an attempt, scoring. Return classes (not instances) derived from
    ``core.providers.ExamType`` whose ``code`` is unique among all plugins; a duplicate
    code or a class breaking the contract raises ``PluginError``. ``None`` means the
    plugin provides no exam type.
    """


@hookspec
def nok_register_recorders() -> list[type[Recorder]] | None:
    """Return the video sources (источники видеозаписи) this plugin provides.

    Called by ``PluginHost.recorders()`` when a station recorder starts and when the
    ЦОК cabinet lists the sources a workstation can use. Return classes derived from
    ``core.providers.Recorder`` with unique codes. ``None`` means none.
    """


@hookspec
def nok_register_payment_methods() -> list[type[PaymentMethod]] | None:
    """Return the payment methods (способы оплаты) this plugin provides.

    Called by ``PluginHost.payment_methods()`` when the ЦОК cabinet offers ways to
    confirm an application's fee and when it confirms one. Return classes derived from
    ``core.providers.PaymentMethod`` with unique codes. ``None`` means none.
    """


@hookspec
def nok_register_export_targets() -> list[type[ExportTarget]] | None:
    """Return the external registries (получатели выгрузки) this plugin can export to.

    Called by ``PluginHost.export_targets()`` in the central registry when its outbox
    worker forwards approved protocols and certificates. Return classes derived from
    ``core.providers.ExportTarget`` with unique codes. ``None`` means none.
    """


# --- web, templates, CLI ---------------------------------------------------------------------

@hookspec
def nok_register_routes(app: falcon.App, services: Services) -> None:
    """Add the plugin's web resources to ``app``.

    Called by ``PluginHost.register_routes()`` once, while ``create_app(config)`` of the
    appliance or the central registry builds the falcon app, after core's own routes.
    Add routes only under ``/p/<plugin name>/``; resources take what they need from
    ``services`` in their ``__init__`` and check permissions themselves. Return ``None``;
    the return value is ignored.
    """


@hookspec
def nok_template_dirs() -> list[pathlib.Path] | None:
    """Return folders holding the plugin's Jinja2 templates.

    Called by ``PluginHost.template_dirs()`` once when the web app builds its Jinja2
    environment; the folders are searched after core's own. Keep templates in a
    subfolder named after the plugin (``templates/<plugin>/page.html``) so names never
    collide. Each folder must exist. ``None`` means the plugin has no templates.
    """


@hookspec
def nok_static_dirs() -> dict[str, pathlib.Path] | None:
    """Return folders of static files (CSS, JS, images), keyed by URL prefix name.

    Called by ``PluginHost.static_dirs()`` once when the web app is built; each folder
    is served at ``/static/p/<name>/``. Names are latin identifiers, normally the
    plugin's own name, unique across plugins. Files are vendored: nothing is loaded from
    the internet. ``None`` means no static files.
    """


@hookspec
def nok_register_cli_commands(group: click.Group) -> None:
    """Add the plugin's commands to the ``nok`` command group.

    Called by ``PluginHost.register_cli_commands()`` once when the ``nok`` CLI starts,
    after core's commands are added. Add one subgroup named after the plugin (or
    commands prefixed with it); replacing an existing command raises ``PluginError``.
    Return ``None``.
    """


# --- data ------------------------------------------------------------------------------------

@hookspec
def nok_register_models() -> list[type[peewee.Model]] | None:
    """Return the plugin's peewee models (its own tables).

    Called by ``PluginHost.models()`` when ``nok migrate`` (and the start of the app)
    creates the tables of a component seen for the first time, and by test fixtures.
    Models derive from ``core.plugin_api.BaseModel``; table names start with
    ``<plugin name>_``. ``None`` means the plugin keeps no tables.
    """


@hookspec
def nok_register_migrations() -> list[Migration] | None:
    """Return the plugin's schema migrations.

    Called by ``PluginHost.migrations()`` when ``nok migrate`` or the start of the app
    brings the schema up to date. Each ``core.plugin_api.Migration`` names the plugin as
    its ``component``; versions start at 1, are unique and never change once released.
    A fresh install creates tables from the current models and marks every migration
    applied. ``None`` means no migrations.
    """


# --- cabinets --------------------------------------------------------------------------------

@hookspec
def nok_cabinet_menu_items(cabinet: str) -> list[MenuItem] | None:
    """Return entries the plugin adds to the menu of one личный кабинет.

    Called by ``PluginHost.menu_items(cabinet)`` when a cabinet page is rendered.
    ``cabinet`` is one of ``'spk'``, ``'cok'``, ``'venue'``, ``'expert'``,
    ``'applicant'``, ``'employer'``. Return ``core.plugin_api.MenuItem`` values, usually
    pointing at the plugin's own routes; core shows each to users holding one of its
    roles. ``None`` means nothing for this cabinet.
    """


# --- availability ----------------------------------------------------------------------------

@hookspec
def nok_compatibility_errors() -> list[str] | None:
    """Return why this plugin cannot run on this machine, in Russian.

    Called by ``PluginHost`` once per plugin while loading, right after the plugin is
    registered and checked against these specs — for this plugin only, not broadcast.
    Report missing runtime dependencies: a package that is not installed, no camera, no
    codec. A non-empty list keeps the plugin inactive (unregistered) with these messages
    shown by ``nok plugins list``; the appliance keeps running without it. Do not raise
    for a missing dependency. ``None`` or ``[]`` means the plugin can run.
    """


# --- events ----------------------------------------------------------------------------------

@hookspec
def nok_application_status_changed(application: object, old_status: str | None, new_status: str,
                                   actor: object | None) -> None:
    """React to an application (заявление) moving to a new status.

    Called by ``PluginHost.application_status_changed()`` from the application
    workflow in core, inside the transaction that changed the status, after the status
    and its audit record were written. ``old_status`` is ``None`` for a newly submitted
    application; ``actor`` is the user who made the change, ``None`` for the system
    (a timer, an incoming bundle). Do only quick database work (e.g. queue a job);
    raising rolls the whole change back and reaches the caller as ``PluginError``.
    Return ``None``.
    """


@hookspec
def nok_exam_finished(exam: object, result: object) -> None:
    """React to an exam stage being finished and scored.

    Called by ``PluginHost.exam_finished()`` from core's exam workflow inside the
    transaction that stored the result, after the attempt was closed and scored.
    ``result`` is the stored result record (points, pass decision). Same rules as the
    other event hooks: quick database work only; raising rolls back and reaches the
    caller as ``PluginError``. Return ``None``.
    """


@hookspec
def nok_kiosk_signed_in(session: object, client_ip: str | None) -> None:
    """React to a candidate signing in at an exam station with the access code.

    Called by ``PluginHost.kiosk_signed_in()`` from ``core.services.kiosk.sign_in`` inside
    the transaction that spent the code and opened the station session. ``session`` is the
    ``KioskSession`` (its ``member`` is the candidate in the exam group); ``client_ip`` is the
    station's address as the appliance sees it — what a station recorder on the same machine
    is matched by, so its recordings are bound to this candidate. Quick database work only;
    raising refuses the sign-in and reaches the caller as ``PluginError``. Return ``None``.
    """


@hookspec
def nok_result_video(application: object) -> list[dict] | None:
    """List the recordings of a candidate that travel to the СПК with their result.

    Called by ``PluginHost.result_video()`` on the appliance when «Отправить в СПК» is turned
    into a federation bundle (``federation.result_parts``). ``application`` is the core
    ``Application``. Return one dict per file kept in the appliance's blob store:
    ``{"digest": sha256 hex of the file = its blob digest, "size": int, "title": Russian
    title, "meta": {…JSON-able: recording id, stream kind, started_at, ended_at…}}``; core lists
    them in the result bundle and sends each file as chunked ``video_part`` bundles. ``None``
    or ``[]`` when the plugin has no recording of this candidate. Read-only.
    """


@hookspec
def nok_bundle_received(bundle: object) -> None:
    """React to a verified federation bundle being accepted.

    Called by ``PluginHost.bundle_received()`` on the receiving side (today the central
    registry's ingestion) inside the transaction that stores the bundle, after its
    signature was verified and its serial applied; never for a duplicate or a refused
    bundle. Queue follow-up work (e.g. an export to НАРК) in the database rather than
    doing network calls here; raising rolls the ingestion back, so the sender resends.
    Return ``None``.
    """
