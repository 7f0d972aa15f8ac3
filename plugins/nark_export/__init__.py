"""Выгрузка в реестр НАРК (Национальное агентство развития квалификаций).

The export target ``nark_registry``: the central registry forwards approved protocols
and certificates to the national register. Registers itself under the entry-point group
``nok`` as ``nark_export`` (module ``plugins.nark_export.hooks``). Exporting arrives in a
later version.
"""
