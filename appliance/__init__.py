"""Appliance: the venue/ЦОК web app, its gunicorn entry point and the `nok` CLI."""
