"""The hostile suite: a package, so its conftest and modules (test_cli, …) do not collide with
those of tests/ (pytest's prepend import mode names a module by its file name alone): its
modules import `from hostile.conftest import …`."""
