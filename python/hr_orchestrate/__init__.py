"""hr_orchestrate: the compiler's side of hr-orchestrate, in Python (standard library only).

A Reflex-style compiler writes its React app with :class:`ManifestWriter` (module files written
only when their bytes changed, content hashes, the ``changed``/``removed`` hints, the manifest
replaced atomically) and hands each recompile to the dev server with :class:`Client` (one JSON
line over the server's control socket, no process per recompile; the server is started through
the ``hr-orchestrate`` CLI when none runs)::

    from hr_orchestrate import ManifestWriter, Client, ManifestError, ServerError
    w = ManifestWriter(".web")
    w.module("app/routes/_index.jsx", text, kind="page", route="/", imports=["utils/state.js"])
    hints = w.write()
    r = Client(".web/manifest.json").recompile()

The contracts: the manifest is /work/shared/spec/manifest-v1.md, the control socket
docs/control-protocol.md.
"""

from .client import Client
from .errors import HrError, ManifestError, ProtocolError, ServerError
from .launcher import ServerOptions, find_binary
from .protocol import PROTOCOL_VERSION
from .result import CompileError, RecompileResult, Status, Timings
from .writer import Hints, ManifestWriter

__version__ = "0.1.0"

__all__ = [
    "Client",
    "CompileError",
    "Hints",
    "HrError",
    "ManifestError",
    "ManifestWriter",
    "PROTOCOL_VERSION",
    "ProtocolError",
    "RecompileResult",
    "ServerError",
    "ServerOptions",
    "Status",
    "Timings",
    "find_binary",
]
