"""Domain services of the central СПК registry: results, deadlines, Протокол СПК, certificates, НАРК.

The web resources (`central/web/`) and the worker call these; every function is scoped to
one СПК and raises `ValidationError`/`NotFoundError` with a Russian message on bad input.
"""
