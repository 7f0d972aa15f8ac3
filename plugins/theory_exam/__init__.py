"""Теоретический этап профессионального экзамена.

The exam type ``theory``: a test drawn from the КОС and scored automatically. Registers
itself under the entry-point group ``nok`` as ``theory_exam`` (module
``plugins.theory_exam.hooks``). Building and scoring attempts arrive in a later version.
"""
