"""Pydantic models of every file kind: the single source of truth for the YAML forms.

Keys are the Chinese labels of the seed's forms (aliases); attributes are English.
"""
