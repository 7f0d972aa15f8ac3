"""КОС (комплект оценочных средств): the `nok-kos/1` format, its importers and its versions.

`validate_kos` checks a document (docs/kos-format.md); `read_kos` turns an upload (our JSON,
an IMS QTI 2.1 zip package or Moodle XML) into a validated document; `import_kos` stores it as
the qualification's current version, `export_kos` gives it back as JSON.
"""
from core.kos.reader import FORMAT_TITLES, ReadKos, read_kos
from core.kos.schema import KOS_FORMAT, validate_kos
from core.kos.store import current_version, export_kos, import_kos, kos_versions

__all__ = ["FORMAT_TITLES", "KOS_FORMAT", "ReadKos", "current_version", "export_kos", "import_kos", "kos_versions",
           "read_kos", "validate_kos"]
