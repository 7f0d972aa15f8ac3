"""«Связь с СПК»: the appliance's link to the central СПК registry, its outbox and reference data."""
