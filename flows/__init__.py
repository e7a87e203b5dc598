"""Prefect flows of voc: thin wiring of voc.pipeline's steps into tasks."""
