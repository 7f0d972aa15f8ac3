"""Теоретический этап профессионального экзамена.

The exam type ``theory``: a test drawn from the КОС and scored automatically, taken at the
exam station (`/kiosk` → ``/p/theory_exam/take``), plus the applicant's «Пробный экзамен» on
the КОС's sample questions. Registers itself under the entry-point group ``nok`` as
``theory_exam`` (module ``plugins.theory_exam.hooks``).
"""
