"""Example AIRs with witness generators: OpenVM's Fibonacci and interaction fixtures, and a
multi-AIR lookup example with a short trace (gpustark.examples.multi)."""
from .fibonacci import fibonacci_air, fibonacci_public_values, fibonacci_trace
from .interactions import dummy_interaction_air, fixture11
from .multi import multi_airs, multi_fixture

__all__ = ["fibonacci_air", "fibonacci_trace", "fibonacci_public_values", "dummy_interaction_air", "fixture11",
           "multi_airs", "multi_fixture"]
