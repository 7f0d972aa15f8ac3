"""Documents of the central registry: Протокол СПК, Свидетельство о квалификации, Заключение (725н)."""
