"""Практический этап и защита портфолио.

The exam types ``practice`` (a task performed at a venue and marked by experts against
criteria) and ``portfolio`` (documents the candidate submits, defended before experts).
Registers itself under the entry-point group ``nok`` as ``practice_portfolio`` (module
``plugins.practice_portfolio.hooks``). Building and scoring attempts arrive in a later
version.
"""
