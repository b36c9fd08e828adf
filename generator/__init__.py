"""Craftbook: YAML playbooks for contact-center teams → a Material for MkDocs site."""
