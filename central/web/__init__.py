"""The СПК registry's web app: the СПК cabinet, public certificate verification, appliance enrolment."""
