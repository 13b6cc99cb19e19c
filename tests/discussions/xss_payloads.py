"""The XSS payloads, shared by every test that writes people's text onto a page."""

from tests.security.xss_payloads import PAYLOADS

__all__ = ["PAYLOADS"]
