"""The demo world of ``tanseeq demo``: the agencies met at the 93rd INTERPOL General Assembly
(Marrakech, 24–27 November 2025), their agreements, users with API tokens, and a few hundred
fictional people with their documents, vehicles, phones, wallets and links, shared under every
kind of distribution, with notices of every kind in every state.

``build_demo(db, seed)`` creates it through the services (validated and audited as in real
use); ``plan_world(seed)`` is the pure, seeded plan it follows.
"""

from tanseeq.demo.build import DemoUser, DemoWorld, build_demo
from tanseeq.demo.world import WorldPlan, plan_world

__all__ = ["DemoUser", "DemoWorld", "WorldPlan", "build_demo", "plan_world"]
