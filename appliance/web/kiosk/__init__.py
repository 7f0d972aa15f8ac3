"""Станция экзамена: the candidate signs in with the one-time access code (`/kiosk`)."""
