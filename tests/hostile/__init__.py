"""The hostile suite (a package, so its conftest is `hostile.conftest` and does not take the
name `conftest` from tests/conftest.py, which tests/test_schema.py imports)."""
