"""НОК-Платформа core: domain models, validation, storage and the plugin contract.

Imports libraries only; never `appliance`, `central`, `federation` or a plugin.
"""
