"""Личный кабинет Соискателя: registration, personal data, documents, applications (seeds 000, 004)."""
