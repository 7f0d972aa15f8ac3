"""Domain services: the only place that changes models. No web, no CLI here."""
