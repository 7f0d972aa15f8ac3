"""ЦОК/venue «Результаты экзаменов»: results list, личное дело, return to experts or send to СПК."""
