"""Response headers Django has no setting for: Permissions-Policy and CORP.

Content-Security-Policy comes from Django's own middleware (SECURE_CSP in the
settings); HSTS, nosniff, Referrer-Policy and COOP from SecurityMiddleware.
"""

from __future__ import annotations

# Features a page about remedies never needs, all switched off. Only features
# Chromium knows: it logs an error in the console for every page naming one it
# does not ("bluetooth", "battery", "ambient-light-sensor", "web-share" and
# "attribution-reporting" among them). tests/browser/test_permissions_policy.py
# checks each in Chromium.
DISABLED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
