"""Cabinets of a ЦОК and of an exam venue: profile, signature, qualifications, schedule, experts, applications."""
