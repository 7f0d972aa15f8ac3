"""Выгрузка в реестр НАРК (Национальное агентство развития квалификаций).

The export target ``nark_registry``: the central registry forwards certificates and
conclusions approved by the СПК to the national register — to an HTTP endpoint when one is
configured, otherwise as XLSX and XML files for a manual upload. НАРК publishes no API, so
the format is ours: docs/nark-export.md. Registers itself under the entry-point group ``nok``
as ``nark_export`` (module ``plugins.nark_export.hooks``); it has no tables.
"""
