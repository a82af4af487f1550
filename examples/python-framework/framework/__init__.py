"""A small Reflex-style framework for the hr-orchestrate demo: pages and components are Python
functions compiled to one JS module each; state lives in a Python backend the page talks to over a
WebSocket through hr-orchestrate's single port. See ../README.md.

What an app imports:

```python
from framework import State, component, page, el, use_state, foreach, cond
```
"""

from .component import component, page
from .dsl import cond, el, foreach, use_state
from .state import State

__all__ = ["State", "component", "page", "el", "use_state", "foreach", "cond"]
