"""The verifier: Python over native primitives, in OpenVM's order of checks (PROTOCOL 13)."""
