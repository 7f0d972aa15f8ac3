"""Личный кабинет эксперта: «Результаты экзаменов», decisions, the commission's protocol, own facsimile."""
