"""The AI providers' API keys, in Secrets Manager.

The stack creates them with a placeholder (never a real key in a template); the operator sets the
value once with ``aws secretsmanager put-secret-value`` (docs/deploy.md). Functions read them
through Powertools parameters with caching, so a new value is picked up within minutes.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, SecretValue
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

PLACEHOLDER = "set-me"


class ProviderSecrets(Construct):
    """``openai`` and ``elevenlabs``: one secret each."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.openai = self._secret("OpenAi", "OpenAI API key for scripts, transcription and voices")
        self.elevenlabs = self._secret("ElevenLabs", "ElevenLabs API key for voiceovers")

    def _secret(self, construct_id: str, description: str) -> secretsmanager.Secret:
        return secretsmanager.Secret(
            self,
            construct_id,
            description=f"Renderowl: {description}. Set the value after deploying.",
            secret_string_value=SecretValue.unsafe_plain_text(PLACEHOLDER),
            removal_policy=RemovalPolicy.DESTROY,
        )
