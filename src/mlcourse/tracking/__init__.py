"""MLflow configuration for the course: the embedded store and where it lives."""

from ._config import default_tracking_uri, describe_tracking_uri, ensure_tracking_env

__all__ = ["default_tracking_uri", "describe_tracking_uri", "ensure_tracking_env"]
