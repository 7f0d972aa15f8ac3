"""Central СПК registry: its own web app, bundle ingestion, approval and certificates."""
