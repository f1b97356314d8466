"""An OpenAI-compatible client for the course's prompting lessons, with an offline stand-in.

``client()`` connects to the provider or local server named by ``OPENAI_BASE_URL`` /
``OPENAI_API_KEY`` when one answers, and otherwise to a stand-in served on loopback by this
package: a character n-gram model behind the same ``/v1/chat/completions`` endpoint, labelled
as a stand-in in its model name. Nothing here reaches the network beyond loopback unless the
environment names a server.
"""

from ._client import Backend, client
from ._standin import STANDIN_MODEL, CharModel, create_app, standin_server

__all__ = ["STANDIN_MODEL", "Backend", "CharModel", "client", "create_app", "standin_server"]
