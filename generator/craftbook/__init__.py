"""Craftbook: YAML playbooks for contact-center teams → a Material for MkDocs site."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("craftbook")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
