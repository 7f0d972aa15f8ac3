"""Reports of the СПК cabinet: «Личные дела», «План-график», «Статистика» with charts and exports.

Every function takes the СПК (an `Organisation`) and answers only about its own results and planned
exams; lists are filtered, grouped and paginated in the database.
"""
