"""Практический этап и защита портфолио.

The exam types ``practice`` (a task from the КОС performed at a venue and marked by the
expert commission against criteria) and ``portfolio`` (the candidate's documents, defended
before the commission). Registers itself under the entry-point group ``nok`` as
``practice_portfolio`` (module ``plugins.practice_portfolio.hooks``) and adds:

- ``/p/practice_portfolio/take`` — the candidate's page at the exam station (signed in with
  the access code, ``services.require_kiosk``): the task or the portfolio requirements, the
  criteria, the time left, and the result files they hand in (``station``, ``files``);
- ``/p/practice_portfolio/attempts/{attempt_id}`` — the commission's page: every expert marks
  each criterion, the chair may do it for any expert; when all marks are in, the attempt is
  scored with the mean per criterion and the application moves to «Практика сдана/не сдана»
  (``marking``). ЦОК and venue staff of the group see it read-only.
"""
