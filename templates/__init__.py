"""Builders of the Word templates in this folder; ``build_templates.py`` runs them all."""
