"""Webhooks: Standard Webhooks signatures, a published retry schedule, delivery and verification.

Receivers verify with `renderowl.webhooks.verify(payload, headers, secret)`.
"""

from renderowl.webhooks.signing import WebhookVerificationError, generate_secret, sign, verify

__all__ = ["WebhookVerificationError", "generate_secret", "sign", "verify"]
