"""Argon2 at its smallest cost, for the test processes and the `crampcare serve` processes tests start.

A real hash takes 64 MiB and a quarter of a second of CPU, and the suite signs up and logs in
hundreds of times; the algorithm, the stored format and every check stay the same.
"""

from argon2 import PasswordHasher


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
